import type { FlowRunFilter } from "../../core/api-types.js";
import { STATE_NAMES, STATE_TYPES, STATE_TYPE_OF_NAME, type StateName, type StateType } from "../../core/states.js";
import { UsageError } from "../usage-error.js";

/**
 * `--state` values (repeatable or comma-separated, any case) as a flow-run filter: a state type
 * (`failed`, `RUNNING`) matches every name of that type, a state name (`Late`, `timedout`) only itself.
 * @example parseStateFilter(["failed,Late"]) // { stateTypes: ["FAILED"], stateNames: ["Late"] }
 */
export function parseStateFilter(values: readonly string[] = []): Pick<FlowRunFilter, "stateTypes" | "stateNames"> {
  const stateTypes = new Set<StateType>();
  const stateNames = new Set<StateName>();
  for (const value of values.flatMap((entry) => entry.split(",")).map((entry) => entry.trim()).filter(Boolean)) {
    const type = STATE_TYPES.find((candidate) => candidate === value.toUpperCase());
    const name = STATE_NAMES.find((candidate) => candidate.toLowerCase() === value.toLowerCase());
    if (type) stateTypes.add(type);
    else if (name) stateNames.add(name);
    else throw new UsageError(`invalid --state '${value}': expected a state type (${STATE_TYPES.join(", ")}) or name (${STATE_NAMES.join(", ")})`);
  }
  if (stateTypes.size > 0 && stateNames.size > 0) {
    // The API ANDs types and names; a mix of both means "any of these", so use names only.
    const names = STATE_NAMES.filter((name) => stateNames.has(name) || stateTypes.has(STATE_TYPE_OF_NAME[name]));
    return { stateNames: names };
  }
  return {
    ...(stateTypes.size > 0 ? { stateTypes: [...stateTypes] } : {}),
    ...(stateNames.size > 0 ? { stateNames: [...stateNames] } : {}),
  };
}
