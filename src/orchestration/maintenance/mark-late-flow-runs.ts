/**
 * Late runs: a run still `Scheduled` when its due time is more than a threshold in the past
 * (nobody claimed it: no worker on its queue, pool paused, limits full) is renamed `Late`.
 * Its type stays SCHEDULED and its due time is kept, so a worker that comes back still claims it;
 * the name tells people (and the dashboard) why it has not started.
 */
import { makeState, type State } from "../../core/states.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Options of {@link markLateFlowRuns}. */
export interface MarkLateFlowRunsOptions {
  /** A Scheduled run is Late once its due time is this many seconds past. @default 15 */
  lateAfterSeconds?: number;
  /** At most this many runs per call. @default 500 */
  limit?: number;
}

/** Rename overdue Scheduled runs to Late; returns how many were marked. */
export async function markLateFlowRuns(ctx: OrchestrationContext, options: MarkLateFlowRunsOptions = {}): Promise<number> {
  const lateAfterMs = (options.lateAfterSeconds ?? 15) * 1000;
  const cutoff = (now: Date): string => new Date(now.getTime() - lateAfterMs).toISOString();
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .select("id")
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "=", "Scheduled")
    .where("next_scheduled_start_time", "<", cutoff(ctx.clock.now()))
    .orderBy("next_scheduled_start_time")
    .limit(options.limit ?? 500)
    .execute();
  let marked = 0;
  for (const { id } of candidates) {
    const result = await transitionFlowRunIf(
      ctx,
      id,
      (row, now) => row.state_name === "Scheduled" && row.next_scheduled_start_time !== null && row.next_scheduled_start_time < cutoff(now),
      (row, now) => {
        const current = fromJsonColumn<State>(row.state);
        const due = row.next_scheduled_start_time ?? row.expected_start_time;
        return makeState("Late", {
          now,
          scheduledTime: due,
          message: `not started ${Math.round((now.getTime() - Date.parse(due)) / 1000)} s after its scheduled time: no worker claimed it (is a worker polling pool '${row.work_pool_name ?? "-"}' queue '${row.work_queue_name ?? "-"}', and are the pool and queue unpaused?)`,
          details: current.details ?? null,
        });
      },
    );
    if (result?.status === "ACCEPT") marked++;
  }
  return marked;
}
