/** A source of the current time; tests inject a fake one (the only mock Weir's tests use). */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

/** Sleep for some milliseconds, or until the signal aborts (then resolves early). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The longest delay one Node timer holds (2^31 - 1 ms, ~24.8 days); past it, it fires at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** A pending `setLongTimeout`. */
export interface LongTimeout {
  clear(): void;
}

/**
 * `setTimeout` for any delay: one longer than MAX_TIMER_MS (a task's timeout of 30 days, say)
 * waits in several timers instead of firing at once, as a single Node timer would.
 */
export function setLongTimeout(callback: () => void, ms: number): LongTimeout {
  let timer: NodeJS.Timeout;
  const arm = (left: number): void => {
    timer = setTimeout(() => (left > MAX_TIMER_MS ? arm(left - MAX_TIMER_MS) : callback()), Math.min(left, MAX_TIMER_MS));
  };
  arm(ms);
  return { clear: () => clearTimeout(timer) };
}

/** The real sleep. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setLongTimeout(done, ms);
    function done(): void {
      timer.clear();
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
