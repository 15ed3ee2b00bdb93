/**
 * Relays the event bus between processes sharing one PostgreSQL database (API replicas, workers,
 * embedded SDK processes): every local event but task-run ones (too many; readers poll those)
 * is also sent through NOTIFY, and events heard from other processes are published locally.
 * Sends are batched and kept in order: the events queued meanwhile fill as few notifications as
 * fit them, all handed to the channel at once (PostgreSQL's sends them in one statement); an
 * event too large for one notification travels as a reference that the receiver reads back
 * from the database.
 */
import type { LogFilter } from "../core/api-types.js";
import type { Artifact, Deployment, FlowRun, LogRecord, WeirEvent } from "../core/models.js";
import { MAX_NOTIFY_PAYLOAD_BYTES, type NotificationChannel } from "../db/notification-channel.js";
import type { EventBus } from "./event-bus.js";

/** Reads the receiver needs to resolve references. */
export interface EventRelayReader {
  readFlowRun(id: string): Promise<FlowRun>;
  readArtifact(id: string): Promise<Artifact>;
  readDeployment(id: string): Promise<Deployment>;
  readLogs(filter: LogFilter): Promise<LogRecord[]>;
}

type EventReference =
  | { ref: "flow-run" | "artifact" | "deployment"; id: string }
  | { ref: "logs"; flowRunId: string | null; afterId: number; lastId: number };

type Wire = WeirEvent | EventReference;

/** A relay: the bus to give the services, and its lifecycle. */
export interface EventRelay {
  bus: EventBus;
  /** Enable receiving (listening starts with the first local subscriber); `reader` resolves references. */
  start(reader: EventRelayReader): Promise<void>;
  /** Stop listening and wait for queued sends. */
  stop(): Promise<void>;
}

/** An event as sent, with its size in bytes. */
interface WireText {
  text: string;
  bytes: number;
}

// The event as sent: itself when it fits in a notification, else a reference (null: not sent).
function toWireText(event: WeirEvent): WireText | null {
  const text = JSON.stringify(event);
  const bytes = Buffer.byteLength(text);
  if (bytes <= MAX_NOTIFY_PAYLOAD_BYTES - 100) return { text, bytes };
  const reference = toReference(event);
  if (reference === null) return null;
  const referenceText = JSON.stringify(reference);
  return { text: referenceText, bytes: Buffer.byteLength(referenceText) };
}

function toReference(event: WeirEvent): EventReference | null {
  switch (event.kind) {
    case "flow-run":
      return { ref: "flow-run", id: event.flowRun.id };
    case "artifact":
      return { ref: "artifact", id: event.artifact.id };
    case "deployment":
      return { ref: "deployment", id: event.deployment.id };
    case "logs": {
      const first = event.logs[0];
      const last = event.logs[event.logs.length - 1];
      return first && last ? { ref: "logs", flowRunId: first.flowRunId, afterId: first.id - 1, lastId: last.id } : null;
    }
    case "task-run":
    case "worker":
      return null;
  }
}

async function fromWire(wire: Wire, reader: EventRelayReader): Promise<WeirEvent | null> {
  if ("kind" in wire) return wire;
  switch (wire.ref) {
    case "flow-run":
      return { kind: "flow-run", flowRun: await reader.readFlowRun(wire.id) };
    case "artifact":
      return { kind: "artifact", artifact: await reader.readArtifact(wire.id) };
    case "deployment":
      return { kind: "deployment", deployment: await reader.readDeployment(wire.id) };
    case "logs": {
      const filter: LogFilter = { afterId: wire.afterId, limit: Math.min(10_000, wire.lastId - wire.afterId) };
      if (wire.flowRunId !== null) filter.flowRunId = wire.flowRunId;
      const logs = (await reader.readLogs(filter)).filter((log) => log.id <= wire.lastId);
      return logs.length > 0 ? { kind: "logs", logs } : null;
    }
  }
}

/** Wrap `inner` so its events also cross processes through `channel`. */
export function createEventRelay(inner: EventBus, channel: NotificationChannel): EventRelay {
  const origin = crypto.randomUUID();
  let queue: WireText[] = [];
  let sending: Promise<void> | null = null;
  let stopListening: (() => Promise<void>) | null = null;
  let receiving: Promise<void> = Promise.resolve();

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      // All queued events, oldest first, as few notifications as fit them; sent at once (the
      // channel keeps the order of its calls and may send them in one statement).
      const payloads: string[] = [];
      while (queue.length > 0) {
        const batch: string[] = [];
        let size = origin.length + 20;
        while (queue.length > 0 && size + (queue[0]?.bytes ?? 0) + 1 <= MAX_NOTIFY_PAYLOAD_BYTES) {
          const next = queue.shift() as WireText;
          size += next.bytes + 1;
          batch.push(next.text);
        }
        if (batch.length === 0) batch.push((queue.shift() as WireText).text);
        payloads.push(`{"o":"${origin}","e":[${batch.join(",")}]}`);
      }
      await Promise.all(payloads.map((payload) => channel.notify(payload).catch(() => undefined)));
    }
    // Cleared right after the last look at the queue, with no await between: an event queued
    // from now on starts a new drain.
    sending = null;
  }

  let reader: EventRelayReader | null = null;
  let listening: Promise<void> | null = null;

  // What every notification this process sent starts with (it hears its own too).
  const ownPrefix = `{"o":"${origin}"`;

  function onPayload(payload: string): void {
    // Its own notifications are dropped before parsing: a busy server hears one per batch it sent.
    if (payload.startsWith(ownPrefix)) return;
    let message: { o: string; e: Wire[] };
    try {
      message = JSON.parse(payload) as { o: string; e: Wire[] };
    } catch {
      return;
    }
    if (message.o === origin || !Array.isArray(message.e) || reader === null) return;
    const resolver = reader;
    receiving = receiving.then(async () => {
      for (const wire of message.e) {
        const event = await fromWire(wire, resolver).catch(() => null);
        if (event) inner.publish(event, { isRelayed: true });
      }
    });
  }

  // Listen only once someone here subscribes: processes that only write (SDK runs) hold no
  // extra connection and are never kept alive by one.
  function ensureListening(): void {
    if (listening !== null || reader === null) return;
    listening = channel
      .listen(onPayload)
      .then((stop) => {
        stopListening = stop;
      })
      .catch(() => {
        listening = null;
      });
  }

  const bus: EventBus = {
    publish(event, options) {
      inner.publish(event, options);
      const wire = toWireText(event);
      if (wire === null) return;
      queue.push(wire);
      // The queue is not empty here, so drain awaits before it could clear `sending`.
      sending ??= drain();
    },
    on(listener, filter) {
      ensureListening();
      return inner.on(listener, filter);
    },
    stream(signal, filter) {
      ensureListening();
      return inner.stream(signal, filter);
    },
    listenerCount: () => inner.listenerCount(),
    hasListeners: (kind) => kind !== "task-run" || inner.hasListeners(kind),
  };

  return {
    bus,
    async start(nextReader) {
      reader = nextReader;
    },
    async stop() {
      reader = null;
      await listening;
      await stopListening?.();
      stopListening = null;
      queue = [];
      await sending;
      await receiving;
    },
  };
}
