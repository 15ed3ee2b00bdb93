import type { ResultRef } from "../core/states.js";
import { assertSerializable } from "./assert-serializable.js";
import type { CompiledFlowOptions } from "./flow-options.js";
import { persistResult } from "./result-storage.js";

const INLINE_LIMIT_CHARS = 10_000;

/**
 * Where a flow's return value is kept in its Completed state: persisted when `persistResult`,
 * else inline when small and JSON-able, else nowhere (a flow never fails because of its result).
 */
export async function flowResultRef(value: unknown, options: CompiledFlowOptions): Promise<ResultRef | null> {
  if (value === undefined) return null;
  if (options.persistResult) return persistResult(value, `result of flow '${options.name}'`);
  try {
    assertSerializable(value, "flow result");
    const text = JSON.stringify(value);
    return text.length <= INLINE_LIMIT_CHARS ? { kind: "inline", value } : null;
  } catch {
    return null;
  }
}
