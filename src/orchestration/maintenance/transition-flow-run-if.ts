/**
 * Move a flow run to a new state only if it still qualifies, checked on the locked row inside
 * one write transaction, through the orchestration rules. Background services find candidates
 * with a plain query, then use this so a run that moved meanwhile (claimed, heartbeated,
 * finished) is left alone.
 */
import type { OrchestrationResult } from "../../core/api-types.js";
import type { State } from "../../core/states.js";
import { isWeirError } from "../../core/weir-error.js";
import type { FlowRunTable } from "../../db/schema.js";
import { applyFlowRunState, lockFlowRun, type ApplyFlowRunStateOptions } from "../apply-flow-run-state.js";
import { flowRunFromRow, taskRunFromRow } from "../flow-run-mapper.js";
import type { OrchestrationContext } from "../orchestration-context.js";

/** Propose `makeNextState(row)` when `stillQualifies(row)`; null when the run no longer qualifies or is gone. */
export async function transitionFlowRunIf(
  ctx: OrchestrationContext,
  flowRunId: string,
  stillQualifies: (row: FlowRunTable, now: Date) => boolean,
  makeNextState: (row: FlowRunTable, now: Date) => State,
  options: Pick<ApplyFlowRunStateOptions, "via"> = {},
): Promise<OrchestrationResult | null> {
  const now = ctx.clock.now();
  const applied = await ctx.database.writeTransaction(async (trx) => {
    let locked: FlowRunTable;
    try {
      locked = await lockFlowRun(trx, ctx.database, flowRunId);
    } catch (error) {
      // Deleted meanwhile (retention, a user): nothing to do.
      if (isWeirError(error) && error.code === "NOT_FOUND") return null;
      throw error;
    }
    if (!stillQualifies(locked, now)) return null;
    return applyFlowRunState(trx, locked, makeNextState(locked, now), now, options);
  });
  if (!applied) return null;
  if (applied.isChanged) ctx.events.publish({ kind: "flow-run", flowRun: flowRunFromRow(applied.row) });
  for (const row of applied.finishedTaskRuns ?? []) ctx.events.publish({ kind: "task-run", taskRun: taskRunFromRow(row) });
  return applied.result;
}
