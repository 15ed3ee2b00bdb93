/** A coloured pill with a state's name. */
import type { StateName, StateType } from "../../../src/core/states.js";
import { STATE_COLORS } from "../lib/format.js";

/** Badge of one state. */
export function StateBadge({ type, name }: { type: StateType; name: StateName | string }) {
  return (
    <span className="state-badge" data-state={type} style={{ background: STATE_COLORS[type] }}>
      {name}
    </span>
  );
}
