/**
 * A background service as data: its name, how often it runs and one round of its work. The
 * services in this folder build these; `startServices` runs each through `runLoop` with the
 * shared clock, sleep, leadership and error reporting.
 */
import type { TickContext } from "./run-loop.js";

/** One background service. */
export interface ServiceLoop {
  /** Unique name (also the leader-election key). */
  name: string;
  intervalMs: number;
  tick(context: TickContext): Promise<void>;
  /** Resolves when there may be work before `intervalMs` is up (the loop then ticks at once). @default none: the loop just sleeps */
  wakeUp?(signal: AbortSignal): Promise<void>;
  /** Waits for work the ticks started and left running (called once the loop has stopped). @default none */
  drain?(): Promise<void>;
}
