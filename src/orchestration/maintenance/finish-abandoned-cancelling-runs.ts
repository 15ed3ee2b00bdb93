/**
 * Cancellation cleanup, second half: a `Cancelling` run becomes `Cancelled` when its process has
 * ended. Its worker (or the run itself) says so as it stops; this finishes the runs nobody will
 * report on, those with no live process:
 * - never started: no attempt ran (run count 0), no worker claimed it and no process announced
 *   its heartbeats (a client proposed Cancelling for a run no process held);
 * - silent: no heartbeat (or, without one, no state change) for `missedHeartbeats` × its
 *   heartbeat interval (the crash-detection threshold) since cancellation was asked for.
 * A user asking again to cancel a Cancelling run changes nothing (flow-run-state-service.ts), so
 * a run's concurrency slot is never freed while its process may still run.
 */
import { makeState } from "../../core/states.js";
import type { FlowRunTable } from "../../db/schema.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Options of {@link finishAbandonedCancellingRuns}. */
export interface FinishAbandonedCancellingRunsOptions {
  /** Heartbeats that may be missed before a Cancelling run's process counts as gone. @default 3 */
  missedHeartbeats?: number;
  /** Interval assumed for a run that never told its own. @default 30 */
  defaultHeartbeatIntervalSeconds?: number;
  /** At most this many runs per call. @default 500 */
  limit?: number;
}

/** Why a Cancelling run has no live process, or null while it may still have one. */
export function whyNoLiveProcess(row: FlowRunTable, now: Date, options: FinishAbandonedCancellingRunsOptions = {}): string | null {
  if (row.state_type !== "CANCELLING") return null;
  if (Number(row.run_count) === 0 && row.worker_id === null && row.heartbeat_interval_seconds === null) return "it never started: no process was running it";
  const intervalSeconds = row.heartbeat_interval_seconds ?? options.defaultHeartbeatIntervalSeconds ?? 30;
  const missed = options.missedHeartbeats ?? 3;
  const lastSignOfLife = Math.max(Date.parse(row.heartbeat_at ?? row.state_timestamp), Date.parse(row.state_timestamp));
  const silentMs = now.getTime() - lastSignOfLife;
  if (silentMs <= missed * intervalSeconds * 1000) return null;
  return `no heartbeat for ${Math.round(silentMs / 1000)} s (more than ${missed} × ${intervalSeconds} s): the process being cancelled is gone`;
}

/** Finish the Cancelling runs that have no live process as Cancelled; returns their ids. */
export async function finishAbandonedCancellingRuns(ctx: OrchestrationContext, options: FinishAbandonedCancellingRunsOptions = {}): Promise<string[]> {
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .select("id")
    .where("state_type", "=", "CANCELLING")
    .orderBy("state_timestamp")
    .limit(options.limit ?? 500)
    .execute();
  const finished: string[] = [];
  for (const { id } of candidates) {
    const result = await transitionFlowRunIf(
      ctx,
      id,
      (row, now) => whyNoLiveProcess(row, now, options) !== null,
      (row, now) => makeState("Cancelled", { now, message: `cancelled: ${whyNoLiveProcess(row, now, options) ?? "its process is gone"}` }),
    );
    if (result?.status === "ACCEPT") finished.push(id);
  }
  return finished;
}
