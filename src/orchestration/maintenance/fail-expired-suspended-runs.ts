/**
 * Suspended runs past their timeout: `suspendFlowRun({ timeoutSeconds })` left no process to
 * notice that nobody resumed the run, so the late-runs loop fails it, with the message a paused
 * run's own process writes ("suspended for input for 60 s without a resume"). The due time is the
 * Suspended state's `scheduledTime` (kept in `next_scheduled_start_time`).
 */
import { makeState, type State } from "../../core/states.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { isTimedWait } from "./resume-due-waits.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Fail Suspended runs whose timeout has passed; returns how many were failed. */
export async function failExpiredSuspendedRuns(ctx: OrchestrationContext, options: { limit?: number } = {}): Promise<number> {
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .select("id")
    .where("state_type", "=", "PAUSED")
    .where("state_name", "=", "Suspended")
    .where("next_scheduled_start_time", "<", ctx.clock.now().toISOString())
    .orderBy("next_scheduled_start_time")
    .limit(options.limit ?? 500)
    .execute();
  let failed = 0;
  for (const { id } of candidates) {
    const result = await transitionFlowRunIf(
      ctx,
      id,
      // A timed wait (sleepUntil, waitForEvent's timeout) is resumed at its time, not failed (resume-due-waits.ts).
      (row, now) => row.state_name === "Suspended" && row.next_scheduled_start_time !== null && row.next_scheduled_start_time < now.toISOString() && !isTimedWait(fromJsonColumn<State>(row.state)),
      (row, now) => {
        const suspended = fromJsonColumn<State>(row.state);
        const seconds = Math.round((Date.parse(row.next_scheduled_start_time ?? suspended.timestamp) - Date.parse(suspended.timestamp)) / 1000);
        const what = suspended.details?.inputSchema === undefined ? "suspended" : "suspended for input";
        const message = `flow run '${row.name}' ${what} for ${seconds} s without a resume`;
        return makeState("Failed", { now, message, error: { name: "WeirError", message, isRetryable: false } });
      },
    );
    if (result?.status === "ACCEPT") failed++;
  }
  return failed;
}
