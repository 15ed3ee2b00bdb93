/**
 * A weir.yaml deployment's `execution:`, how workers execute its runs: `process`, `pooled` or
 * `inline` (src/core/models.ts ExecutionMode); absent, the worker's `--execution` decides.
 */
import { EXECUTION_MODES, type ExecutionMode } from "../../core/models.js";
import type { IssueCollector } from "./issue-collector.js";

/** The `execution` of a deployment entry, checked; null when it is not given. */
export function checkExecution(raw: unknown, path: (string | number)[], issues: IssueCollector): ExecutionMode | null {
  const execution = raw ?? null;
  if (execution !== null && !EXECUTION_MODES.includes(execution as ExecutionMode)) issues.add(path, `must be one of ${EXECUTION_MODES.join(", ")}`);
  return execution as ExecutionMode | null;
}
