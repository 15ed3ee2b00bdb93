/**
 * An inbox over a live event stream: starts pulling from `subscribe()` as soon as it is opened
 * (so the subscription is under way before the caller reads any backlog), keeps what arrives,
 * and hands it out in batches with a timeout, so a follower can wait for "events, or this long
 * without any" in one call. A stream that fails makes the next `take()` throw; one that ends
 * (it should not before the signal aborts) just leaves `take()` to time out.
 */
import type { WeirEvent } from "../../core/models.js";
import { setLongTimeout } from "../../core/clock.js";

/** Events received and not yet taken. */
export interface EventInbox {
  /** Every event received so far, or, when there are none, the next ones to arrive within `timeoutMs` ([] when none do). */
  take(timeoutMs: number): Promise<WeirEvent[]>;
  /** Stop pulling and wait for the stream to let go (abort the stream's signal first). */
  close(): Promise<void>;
}

/** Start pulling `events` now; `signal` must be the one the stream was subscribed with. */
export function openEventInbox(events: AsyncIterable<WeirEvent>, signal: AbortSignal): EventInbox {
  const received: WeirEvent[] = [];
  let failure: { error: unknown } | null = null;
  // An object, not a `let`: TypeScript would narrow a `let` to null inside the pulling IIFE.
  const waiter: { wake: (() => void) | null } = { wake: null };

  const pulling = (async () => {
    try {
      for await (const event of events) {
        received.push(event);
        waiter.wake?.();
      }
    } catch (error) {
      if (!signal.aborted) failure = { error };
    } finally {
      waiter.wake?.();
    }
  })();

  return {
    async take(timeoutMs) {
      if (received.length === 0 && failure === null && timeoutMs > 0 && !signal.aborted) {
        await new Promise<void>((resolve) => {
          const timer = setLongTimeout(done, timeoutMs);
          function done(): void {
            timer.clear();
            signal.removeEventListener("abort", done);
            waiter.wake = null;
            resolve();
          }
          waiter.wake = done;
          signal.addEventListener("abort", done, { once: true });
        });
      }
      if (failure !== null) throw failure.error;
      return received.splice(0);
    },
    async close() {
      await pulling;
    },
  };
}
