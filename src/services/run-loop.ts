/**
 * The one loop every background service runs: wait to be leader, tick, sleep, repeat, until the
 * signal aborts. Effects (clock, sleep, leader election, error reporting) come in as parameters,
 * so tests drive a loop tick by tick with a fake clock and no real timers.
 */
import type { Clock, Sleep } from "../core/clock.js";
import type { Leadership } from "./leadership.js";

/** What a tick learns about its iteration. */
export interface TickContext {
  /** The loop's clock reading at the start of the tick. */
  now: Date;
  signal: AbortSignal;
}

/** Options of {@link runLoop}. */
export interface RunLoopOptions {
  /** Name for errors and leader election (one leader per name). */
  name: string;
  /** Pause between the end of one tick and the start of the next, in milliseconds. */
  intervalMs: number;
  /** One round of the service's work. */
  tick(context: TickContext): Promise<void>;
  clock: Clock;
  sleep: Sleep;
  /** Stops the loop (the promise of runLoop resolves after the current tick ends). */
  signal: AbortSignal;
  /** Called with every error a tick or the leader check throws; the loop keeps going. */
  onError(error: unknown, loopName: string): void;
  /** Whether this process leads the loop; non-leaders skip ticks. */
  leader: Leadership;
  /** Ends a sleep early when it resolves (new work arrived). @default none */
  wakeUp?(signal: AbortSignal): Promise<void>;
}

// Sleep `intervalMs`, or less when `wakeUp` resolves first; either way the other is cancelled.
async function nap(options: RunLoopOptions): Promise<void> {
  const { intervalMs, sleep, signal, wakeUp } = options;
  if (wakeUp === undefined) return sleep(intervalMs, signal);
  const woken = new AbortController();
  const either = AbortSignal.any([signal, woken.signal]);
  try {
    await Promise.race([sleep(intervalMs, either), wakeUp(either)]);
  } finally {
    woken.abort();
  }
}

/** Run a service loop until `signal` aborts. Never rejects: errors go to `onError`. */
export async function runLoop(options: RunLoopOptions): Promise<void> {
  const { name, tick, clock, signal, onError, leader } = options;
  while (!signal.aborted) {
    try {
      if (await leader.isLeader(name)) await tick({ now: clock.now(), signal });
    } catch (error) {
      if (!signal.aborted) onError(error, name);
    }
    if (signal.aborted) break;
    await nap(options);
  }
}
