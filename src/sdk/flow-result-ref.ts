import type { ResultRef } from "../core/states.js";
import { findSerializationProblem } from "./assert-serializable.js";
import type { CompiledFlowOptions } from "./flow-options.js";
import { persistResult } from "./results/persist-result.js";

const INLINE_LIMIT_CHARS = 10_000;

/**
 * Where a flow's return value is kept in its Completed state: persisted when `persistResult`
 * (NOT_SERIALIZABLE when it cannot be: the run must then fail, since its result was promised),
 * else inline when small and JSON-able, else nowhere. A value that is not JSON-able is never
 * stored as a silent `null`: `warn` is told which part of it is what (`result.x.y is a function`).
 */
export async function flowResultRef(value: unknown, options: CompiledFlowOptions, warn: (message: string) => void = () => {}): Promise<ResultRef | null> {
  if (value === undefined) return null;
  if (options.persistResult) {
    try {
      return await persistResult(value, `result of flow '${options.name}'`, options.results);
    } catch (error) {
      warn(error instanceof Error ? error.message : String(error));
      throw error;
    }
  }
  const problem = findSerializationProblem(value, "result");
  if (problem !== null) {
    warn(`result of flow '${options.name}' is not stored (not JSON): ${problem.path} is ${problem.found}`);
    return null;
  }
  const text = JSON.stringify(value);
  return text.length <= INLINE_LIMIT_CHARS ? { kind: "inline", value } : null;
}
