/**
 * Typed in-process publish/subscribe of WeirEvent. Services publish after their transaction
 * commits; the in-process client's `subscribe()` and the server's event stream listen.
 * A throwing listener never breaks the publisher or the other listeners.
 */
import type { LiveEventFilter, WeirEvent } from "../core/models.js";

/** A listener of events; `isRelayed` tells an event of another process (event-relay.ts) from one of this process. */
export type EventListener = (event: WeirEvent, isRelayed: boolean) => void;

/** Which events a subscriber wants. */
export interface EventFilter extends LiveEventFilter {
  /** Only events of these kinds; publishers skip building the others while nobody wants them. @default every kind */
  kinds?: readonly WeirEvent["kind"][];
}

/** How an event reached the bus. */
export interface PublishOptions {
  /** It happened in another process and came through the relay (event-relay.ts). @default false */
  isRelayed?: boolean;
}

/** The bus. */
export interface EventBus {
  publish(event: WeirEvent, options?: PublishOptions): void;
  /** Listen; returns the function that stops listening. */
  on(listener: EventListener, filter?: EventFilter): () => void;
  /** Events as an async iterable until the signal aborts (buffered, never dropped while iterating). */
  stream(signal: AbortSignal, filter?: EventFilter): AsyncIterable<WeirEvent>;
  /** How many listeners are attached in this process (for leak checks). */
  listenerCount(): number;
  /** Whether publishing events of this kind reaches anyone (lets hot paths skip building them). */
  hasListeners(kind: WeirEvent["kind"]): boolean;
}

/** The flow run an event concerns, if any. */
export function flowRunIdOfEvent(event: WeirEvent): string | null {
  switch (event.kind) {
    case "flow-run":
      return event.flowRun.id;
    case "task-run":
      return event.taskRun.flowRunId;
    case "logs":
      return event.logs[0]?.flowRunId ?? null;
    case "artifact":
      return event.artifact.flowRunId;
    case "deployment":
    case "worker":
      return null;
  }
}

function matches(event: WeirEvent, filter: EventFilter | undefined): boolean {
  if (filter?.kinds && !filter.kinds.includes(event.kind)) return false;
  if (filter?.workPoolName !== undefined && (event.kind !== "flow-run" || event.flowRun.workPoolName !== filter.workPoolName)) return false;
  if (filter?.stateTypes !== undefined && (event.kind !== "flow-run" || !filter.stateTypes.includes(event.flowRun.stateType))) return false;
  if (!filter?.flowRunId) return true;
  if (event.kind === "logs") return event.logs.some((log) => log.flowRunId === filter.flowRunId);
  if (event.kind === "flow-run" && event.flowRun.parentFlowRunId === filter.flowRunId) return true;
  return flowRunIdOfEvent(event) === filter.flowRunId;
}

/** Create an empty bus. */
export function createEventBus(): EventBus {
  // Each listener with the kinds it wants (null: every kind).
  const listeners = new Map<EventListener, readonly WeirEvent["kind"][] | null>();
  const bus: EventBus = {
    publish(event, options) {
      const isRelayed = options?.isRelayed ?? false;
      for (const listener of listeners.keys()) {
        try {
          listener(event, isRelayed);
        } catch {
          // A subscriber's bug must not undo or break a committed write.
        }
      }
    },
    on(listener, filter) {
      const filtered: EventListener = (event, isRelayed) => {
        if (matches(event, filter)) listener(event, isRelayed);
      };
      listeners.set(filtered, filter?.kinds ?? null);
      return () => listeners.delete(filtered);
    },
    async *stream(signal, filter) {
      const queue: WeirEvent[] = [];
      let wake: (() => void) | null = null;
      const off = bus.on((event) => {
        queue.push(event);
        wake?.();
      }, filter);
      const onAbort = (): void => wake?.();
      signal.addEventListener("abort", onAbort, { once: true });
      try {
        while (!signal.aborted) {
          const next = queue.shift();
          if (next) {
            yield next;
            continue;
          }
          await new Promise<void>((resolve) => (wake = resolve));
          wake = null;
        }
      } finally {
        off();
        signal.removeEventListener("abort", onAbort);
      }
    },
    listenerCount: () => listeners.size,
    hasListeners: (kind) => {
      for (const kinds of listeners.values()) if (kinds === null || kinds.includes(kind)) return true;
      return false;
    },
  };
  return bus;
}
