/** A source of the current time; tests inject a fake one (the only mock Weir's tests use). */
export interface Clock {
  /** The current time. */
  now(): Date;
}

/** The real wall clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });

/** Sleep for some milliseconds, or until the signal aborts (then resolves early). */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The real sleep. */
export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
