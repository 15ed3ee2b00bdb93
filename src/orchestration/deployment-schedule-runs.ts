/**
 * Removal of the runs a schedule created ahead of time and that have not started: used when a
 * schedule changes or goes away, and when a deployment is deleted, so stale slots never run.
 * Only runs still in the plain `Scheduled` state with no attempt are removed; anything that
 * started, was claimed or has history beyond its first state is kept (stored data is never lost).
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.js";

/** Delete the unstarted future runs of these schedules (or of a whole deployment); returns how many. */
export async function deleteUnstartedScheduleRuns(
  trx: Kysely<DatabaseSchema>,
  target: { scheduleIds: string[] } | { deploymentId: string },
  now: string,
): Promise<number> {
  if ("scheduleIds" in target && target.scheduleIds.length === 0) return 0;
  let query = trx
    .selectFrom("flow_runs")
    .select("id")
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "=", "Scheduled")
    .where("run_count", "=", 0)
    .where("expected_start_time", ">", now);
  query = "scheduleIds" in target ? query.where("schedule_id", "in", target.scheduleIds) : query.where("deployment_id", "=", target.deploymentId).where("schedule_id", "is not", null);
  const ids = (await query.execute()).map((row) => row.id);
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500);
    await trx.deleteFrom("flow_run_states").where("flow_run_id", "in", chunk).execute();
    await trx.deleteFrom("flow_run_transitions").where("flow_run_id", "in", chunk).execute();
    await trx.deleteFrom("flow_runs").where("id", "in", chunk).execute();
  }
  return ids.length;
}
