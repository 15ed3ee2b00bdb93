import { systemClock, realSleep } from "../core/clock.js";
import type { Clock, Sleep } from "../core/clock.js";

/** The effects the run engine uses for time; tests swap in a fake clock and sleep. */
export interface EngineEffects {
  /** @default systemClock */
  clock: Clock;
  /** @default realSleep */
  sleep: Sleep;
  /** Random number in [0, 1) for retry jitter. @default Math.random */
  random: () => number;
}

let current: EngineEffects = Object.freeze({ clock: systemClock, sleep: realSleep, random: Math.random });

/** The engine's current effects. */
export function getEngineEffects(): EngineEffects {
  return current;
}

/** Replace some of the engine's effects (tests inject a clock and a sleep); returns a function that restores the previous ones. */
export function setEngineEffects(patch: Partial<EngineEffects>): () => void {
  const previous = current;
  current = Object.freeze({ ...current, ...patch });
  return () => {
    current = previous;
  };
}
