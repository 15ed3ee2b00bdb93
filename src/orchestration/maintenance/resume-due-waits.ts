/**
 * Suspended runs that wait for a time (`sleepUntil`) or for an event with a timeout
 * (`waitForEvent`): their Suspended state carries `details.wakeAt`, the same instant as its
 * `scheduledTime` (kept in `next_scheduled_start_time`). Once it has passed, the late-runs loop
 * resumes them (Suspended → Scheduled, `details.wokenAt`) instead of failing them, and any worker
 * of the run's pool runs the flow again from the top; the waiting call then sees its wait
 * answered and returns. A run resumed earlier by hand (`weir flow-run resume`) is left alone.
 */
import { makeState, type State } from "../../core/states.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { FlowRunTable } from "../../db/schema.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Whether a Suspended state is a timed wait that is resumed, not failed, when its time comes. */
export function isTimedWait(state: Pick<State, "details"> | null): boolean {
  return typeof state?.details?.wakeAt === "string";
}

function isDueWait(row: FlowRunTable, now: Date): boolean {
  return row.state_name === "Suspended" && row.next_scheduled_start_time !== null && row.next_scheduled_start_time <= now.toISOString() && isTimedWait(fromJsonColumn<State>(row.state));
}

/** Resume the Suspended runs whose wait time has come; returns how many were resumed. */
export async function resumeDueWaits(ctx: OrchestrationContext, options: { limit?: number } = {}): Promise<number> {
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .select("id")
    .where("state_type", "=", "PAUSED")
    .where("state_name", "=", "Suspended")
    .where("next_scheduled_start_time", "<=", ctx.clock.now().toISOString())
    .orderBy("next_scheduled_start_time")
    .limit(options.limit ?? 500)
    .execute();
  let resumed = 0;
  for (const { id } of candidates) {
    const result = await transitionFlowRunIf(ctx, id, isDueWait, (row, now) => {
      const waiting = fromJsonColumn<State>(row.state);
      const what = typeof waiting.details?.waitFor === "string" ? waiting.details.waitFor : "a time";
      return makeState("Scheduled", {
        now,
        scheduledTime: now.toISOString(),
        message: `woke up: the wait for ${what} reached ${String(waiting.details?.wakeAt)}`,
        details: { wokenAt: now.toISOString(), waitKey: waiting.details?.pauseKey ?? null },
      });
    }, { via: "resume" });
    if (result?.status === "ACCEPT") resumed++;
  }
  return resumed;
}
