import type { StateName, StateType } from "../../core/states.js";
import { paint, isColourEnabled, type Colour } from "./terminal-style.js";

/** The colour of each state type, as the dashboard shows them. */
export const STATE_COLOUR: Readonly<Record<StateType, Colour>> = Object.freeze({
  SCHEDULED: "yellow",
  PENDING: "grey",
  RUNNING: "blue",
  COMPLETED: "green",
  FAILED: "red",
  CANCELLING: "grey",
  CANCELLED: "grey",
  CRASHED: "magenta",
  PAUSED: "yellow",
});

/** A state's name, coloured by its type when colours are on. */
export function formatState(state: { type: StateType; name: StateName }, enabled: boolean = isColourEnabled()): string {
  return paint(state.name, STATE_COLOUR[state.type], enabled);
}
