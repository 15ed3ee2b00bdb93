/**
 * Cancellation cleanup: when a flow run ends Cancelled, its subflow runs that are still going
 * are cancelled too (Running → Cancelling, so their executor stops them; anything else not
 * finished → Cancelled). Repeats down the tree on later rounds as children become Cancelled.
 */
import { isWeirError } from "../../core/weir-error.js";
import { createFlowRunStateService } from "../flow-run-state-service.js";
import type { OrchestrationContext } from "../orchestration-context.js";

/** Options of {@link cancelChildrenOfCancelledRuns}. */
export interface CancelChildrenOptions {
  /** At most this many children per call. @default 500 */
  limit?: number;
}

/** Cancel unfinished children of Cancelled runs; returns the ids of the children cancelled. */
export async function cancelChildrenOfCancelledRuns(ctx: OrchestrationContext, options: CancelChildrenOptions = {}): Promise<string[]> {
  const children = await ctx.database.db
    .selectFrom("flow_runs as child")
    .innerJoin("flow_runs as parent", "parent.id", "child.parent_flow_run_id")
    .select("child.id")
    .where("parent.state_type", "=", "CANCELLED")
    .where("child.state_type", "not in", ["COMPLETED", "FAILED", "CANCELLED", "CRASHED", "CANCELLING"])
    .limit(options.limit ?? 500)
    .execute();
  const states = createFlowRunStateService(ctx);
  const cancelled: string[] = [];
  for (const { id } of children) {
    try {
      await states.cancelFlowRun(id);
      cancelled.push(id);
    } catch (error) {
      // Finished or deleted meanwhile: nothing to clean up.
      if (!isWeirError(error) || (error.code !== "INVALID_TRANSITION" && error.code !== "NOT_FOUND")) throw error;
    }
  }
  return cancelled;
}
