/**
 * Delete flow runs with everything that hangs off them (state history, remembered transitions,
 * task runs and their states, logs, artifacts), in one write transaction. Used by retention and
 * by schedule changes; the flow runs' subflows are not followed (each has its own row and age).
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";

/** Delete the given flow runs and their dependent rows; returns how many runs were deleted. */
export async function deleteFlowRunsWithDependents(trx: Kysely<DatabaseSchema>, flowRunIds: readonly string[]): Promise<number> {
  if (flowRunIds.length === 0) return 0;
  const ids = [...flowRunIds];
  const taskRunIds = trx.selectFrom("task_runs").select("id").where("flow_run_id", "in", ids);
  await trx.deleteFrom("task_run_states").where("task_run_id", "in", taskRunIds).execute();
  await trx.deleteFrom("logs").where("flow_run_id", "in", ids).execute();
  await trx.deleteFrom("artifacts").where("flow_run_id", "in", ids).execute();
  await trx.deleteFrom("task_runs").where("flow_run_id", "in", ids).execute();
  await trx.deleteFrom("flow_run_states").where("flow_run_id", "in", ids).execute();
  await trx.deleteFrom("flow_run_transitions").where("flow_run_id", "in", ids).execute();
  const result = await trx.deleteFrom("flow_runs").where("id", "in", ids).executeTakeFirst();
  return Number(result.numDeletedRows);
}
