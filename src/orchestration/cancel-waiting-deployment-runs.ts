/**
 * When a deployment is deleted, the runs of it that are still waiting to be claimed (any
 * `SCHEDULED`-type state: Scheduled, Late, AwaitingRetry, AwaitingConcurrencySlot) and that its
 * schedules did not create (those are deleted: deployment-schedule-runs.ts) can never run: no
 * worker could load a deployment that is gone. They end Cancelled, with the reason, through the
 * orchestration rules; their history stays. Runs already claimed or running are left to finish.
 */
import type { Kysely } from "kysely";
import { makeState } from "../core/states.js";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { applyFlowRunState, lockFlowRun } from "./apply-flow-run-state.js";

/** Cancel the waiting runs of deployment `deploymentId` in `trx`; returns the rows that changed (to publish). */
export async function cancelWaitingDeploymentRuns(trx: Kysely<DatabaseSchema>, database: WeirDatabase, deploymentId: string, deploymentName: string, now: Date): Promise<FlowRunTable[]> {
  const waiting = await trx.selectFrom("flow_runs").select("id").where("deployment_id", "=", deploymentId).where("state_type", "=", "SCHEDULED").execute();
  const changed: FlowRunTable[] = [];
  for (const { id } of waiting) {
    const locked = await lockFlowRun(trx, database, id);
    if (locked.state_type !== "SCHEDULED") continue;
    const cancelled = makeState("Cancelled", { message: `deployment '${deploymentName}' was deleted before this run started`, now });
    const applied = await applyFlowRunState(trx, locked, cancelled, now);
    if (applied.isChanged) changed.push(applied.row);
  }
  return changed;
}
