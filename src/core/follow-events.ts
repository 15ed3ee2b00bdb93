/**
 * Follow stored events: yield every event matching a filter as it is stored, oldest first,
 * until the signal aborts. The loop reads the batch after its cursor (`readEventsAfter` of the
 * service layer or of a client), yields it, and when it has caught up waits for the poll
 * interval or an earlier `wake` (e.g. the event bus saw a change). Each event is yielded once:
 * the cursor only moves past events that are final (see src/orchestration/event-query.ts).
 */
import { realSleep, type Sleep } from "./clock.js";
import type { EventBatch, ReadEventsAfterInput, StoredEvent, StoredEventFilter } from "./events.js";

/** Options of `followEvents`. */
export interface FollowEventsOptions {
  /** Reads the events after a cursor (`orchestration.readEventsAfter` or `client.readEventsAfter`). */
  read(input: ReadEventsAfterInput): Promise<EventBatch>;
  /** Which events. @default every event */
  filter?: StoredEventFilter;
  /** Start after this cursor (a `followCursor` of a listing, or a saved `cursor`). @default now */
  after?: string | null;
  /** Stops the loop. */
  signal: AbortSignal;
  /** How long to wait between reads once caught up. @default 1000 */
  pollIntervalMs?: number;
  /** Largest batch per read. @default 500 */
  batchSize?: number;
  /** Resolves when new events may exist, to read before the poll interval ends (it is raced with the sleep). @default none */
  wake?: (signal: AbortSignal) => Promise<void>;
  /** Called with the cursor after each batch (to save it and resume later). @default none */
  onCursor?: (cursor: string) => void;
  /** @default realSleep */
  sleep?: Sleep;
}

/**
 * Every event matching the filter from the start position on, until `signal` aborts.
 * @example for await (const event of followEvents({ read: (input) => client.readEventsAfter(input), filter: { events: ["flow-run.Failed"] }, signal })) console.log(event.event);
 */
export async function* followEvents(options: FollowEventsOptions): AsyncIterable<StoredEvent> {
  const { read, signal } = options;
  const filter = options.filter ?? {};
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const batchSize = options.batchSize ?? 500;
  const sleep = options.sleep ?? realSleep;
  let cursor = options.after ?? (await read({ ...filter })).cursor;
  while (!signal.aborted) {
    const batch = await read({ ...filter, after: cursor, limit: batchSize });
    for (const event of batch.events) {
      if (signal.aborted) return;
      yield event;
    }
    cursor = batch.cursor;
    options.onCursor?.(cursor);
    if (batch.events.length >= batchSize) continue;
    const waiting = new AbortController();
    const stopWaiting = (): void => waiting.abort();
    signal.addEventListener("abort", stopWaiting, { once: true });
    try {
      await Promise.race([sleep(pollIntervalMs, waiting.signal), ...(options.wake ? [options.wake(waiting.signal)] : [])]);
    } finally {
      waiting.abort();
      signal.removeEventListener("abort", stopWaiting);
    }
  }
}
