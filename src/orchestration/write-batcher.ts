/**
 * Group commit for the hot writes: calls that arrive while earlier writes are in flight are
 * sent together as one statement (one round trip, one commit, one parse on the server), the way
 * a database groups commits. There is no timer: a lone call goes out at once, so a quiet system
 * pays no latency, and a busy one batches by itself.
 *
 * Life of a call: queued → taken into the next batch (at most `maxBatchSize` items, never two
 * with the same key: a batch must not carry two changes of one row) → `write(batch)` → each
 * caller gets its own result. When a batch fails as a whole, its items are written again one
 * by one, so one bad item cannot fail the others.
 */

/** How a batcher groups. */
export interface WriteBatcherOptions<I> {
  /** Items per batch. @default 64 */
  maxBatchSize?: number;
  /** Batches in flight at once (each holds a connection). One measured best: a batch holds only the rows it changes, briefly, and the next batch grows meanwhile. @default 1 */
  maxBatchesInFlight?: number;
  /** Items with the same key go in different batches. */
  keyOf: (item: I) => string;
}

interface Pending<I, O> {
  item: I;
  resolve: (value: O) => void;
  reject: (error: unknown) => void;
}

/** Queue `item` for the next batch; resolves with its result. */
export type WriteBatcher<I, O> = (item: I) => Promise<O>;

/** A batcher over `write`, which returns one result per item, in order. */
export function createWriteBatcher<I, O>(write: (items: I[]) => Promise<O[]>, options: WriteBatcherOptions<I>): WriteBatcher<I, O> {
  const maxBatchSize = options.maxBatchSize ?? 64;
  const maxInFlight = options.maxBatchesInFlight ?? 1;
  let queue: Array<Pending<I, O>> = [];
  let inFlight = 0;

  async function send(batch: Array<Pending<I, O>>): Promise<void> {
    try {
      const results = await write(batch.map((pending) => pending.item));
      batch.forEach((pending, index) => pending.resolve(results[index] as O));
    } catch (error) {
      if (batch.length === 1) {
        batch[0]?.reject(error);
        return;
      }
      await Promise.all(batch.map((pending) => send([pending])));
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch: Array<Pending<I, O>> = [];
      const keys = new Set<string>();
      const rest: Array<Pending<I, O>> = [];
      for (const pending of queue) {
        const key = options.keyOf(pending.item);
        if (batch.length < maxBatchSize && !keys.has(key)) {
          keys.add(key);
          batch.push(pending);
        } else {
          rest.push(pending);
        }
      }
      queue = rest;
      inFlight += 1;
      void send(batch).finally(() => {
        inFlight -= 1;
        pump();
      });
    }
  }

  return (item) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      pump();
    });
}
