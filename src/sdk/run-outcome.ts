import type { State } from "../core/states.js";

/** How one task or flow run ended: its final state and the value or the error. */
export interface RunOutcome<R = unknown> {
  state: State;
  value: R | undefined;
  error: unknown;
  isFailed: boolean;
}
