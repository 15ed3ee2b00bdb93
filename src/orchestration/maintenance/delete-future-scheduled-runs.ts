/**
 * When a schedule changes or goes away, the runs it created ahead of time must go too, or they
 * would still run on the old timetable. "Future unstarted" means: created by that schedule, still
 * in the plain `Scheduled` state, never attempted, due after now. Runs already due (Late),
 * claimed, retrying or finished are kept: they are history or about to run.
 *
 * The deletion itself is DEPLOY's `deleteUnstartedScheduleRuns` (src/orchestration/
 * deployment-schedule-runs.ts), which the deployment service already calls when schedules are
 * replaced, updated or deleted; these are the entry points by schedule id and for a paused
 * deployment, usable inside the caller's write transaction.
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";
import { deleteUnstartedScheduleRuns } from "../deployment-schedule-runs.js";
import type { OrchestrationContext } from "../orchestration-context.js";

type FutureRunScope = { scheduleIds: string[] } | { deploymentId: string };

function deleteFutureRuns(ctx: OrchestrationContext, scope: FutureRunScope, trx?: Kysely<DatabaseSchema>): Promise<number> {
  const now = ctx.clock.now().toISOString();
  return trx ? deleteUnstartedScheduleRuns(trx, scope, now) : ctx.database.writeTransaction((db) => deleteUnstartedScheduleRuns(db, scope, now));
}

/**
 * Delete the future unstarted runs a schedule created (see header); returns how many.
 * Pass `trx` to do it inside the caller's write transaction.
 */
export function deleteFutureScheduledRuns(ctx: OrchestrationContext, scheduleId: string, trx?: Kysely<DatabaseSchema>): Promise<number> {
  return deleteFutureRuns(ctx, { scheduleIds: [scheduleId] }, trx);
}

/** Delete the future unstarted runs that any schedule of a deployment created (e.g. on pause); returns how many. */
export function deleteFutureScheduledRunsOfDeployment(ctx: OrchestrationContext, deploymentId: string, trx?: Kysely<DatabaseSchema>): Promise<number> {
  return deleteFutureRuns(ctx, { deploymentId }, trx);
}
