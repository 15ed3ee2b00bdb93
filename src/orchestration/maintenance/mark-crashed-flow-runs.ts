/**
 * Crash detection from missed heartbeats. A run is watched when its executor promised heartbeats
 * (`heartbeatIntervalSeconds` set) or a worker claimed it. A watched Pending or Running run whose
 * last sign of life (its last heartbeat, or entering Pending/Running when it never heartbeated)
 * is older than `missedHeartbeats` × its interval is proposed `Crashed`, with a retryable error:
 * the orchestration rules turn that into AwaitingRetry when the run has retries left, so it is
 * scheduled again (DESIGN §4). A watched `Cancelling` run whose process went silent the same way
 * is finished as `Cancelled` (the process that was to be stopped is gone).
 *
 * Who heartbeats a run: the process executing it (the SDK, every interval, also when its worker
 * died: a run outlives its worker), and the worker that started that process, only while the
 * process is alive. So a silent run is one whose process is gone (or cannot reach the server); a
 * worker whose run process exits proposes Crashed at once, and this catches the rest.
 */
import { makeState } from "../../core/states.js";
import type { FlowRunTable } from "../../db/schema.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";

/** Options of {@link markCrashedFlowRuns}. */
export interface MarkCrashedFlowRunsOptions {
  /** Heartbeats that may be missed before a run counts as crashed. @default 3 */
  missedHeartbeats?: number;
  /** Interval assumed for a worker-claimed run that never told its own. @default 30 */
  defaultHeartbeatIntervalSeconds?: number;
  /** At most this many runs per call. @default 500 */
  limit?: number;
}

/** Mark watched runs with stale heartbeats Crashed (Cancelling ones Cancelled); returns the ids changed. */
export async function markCrashedFlowRuns(ctx: OrchestrationContext, options: MarkCrashedFlowRunsOptions = {}): Promise<string[]> {
  const missed = options.missedHeartbeats ?? 3;
  const defaultIntervalSeconds = options.defaultHeartbeatIntervalSeconds ?? 30;
  const lastSignOfLife = (row: Pick<FlowRunTable, "heartbeat_at" | "state_timestamp">): number =>
    Math.max(Date.parse(row.heartbeat_at ?? row.state_timestamp), Date.parse(row.state_timestamp));
  const toleranceMs = (row: Pick<FlowRunTable, "heartbeat_interval_seconds">): number =>
    missed * (row.heartbeat_interval_seconds ?? defaultIntervalSeconds) * 1000;
  const isStale = (row: FlowRunTable, now: Date): boolean =>
    (row.state_type === "PENDING" || row.state_type === "RUNNING" || row.state_type === "CANCELLING") &&
    (row.heartbeat_interval_seconds !== null || row.worker_id !== null) &&
    now.getTime() - lastSignOfLife(row) > toleranceMs(row);

  const now = ctx.clock.now();
  // The smallest possible tolerance bounds the query; each row is then checked exactly.
  const earliestStale = new Date(now.getTime() - missed * 1000).toISOString();
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .selectAll()
    .where("state_type", "in", ["PENDING", "RUNNING", "CANCELLING"])
    .where((eb) => eb.or([eb("heartbeat_interval_seconds", "is not", null), eb("worker_id", "is not", null)]))
    .where((eb) => eb.or([eb("heartbeat_at", "<", earliestStale), eb("heartbeat_at", "is", null)]))
    .orderBy("heartbeat_at")
    .limit(options.limit ?? 500)
    .execute();
  const crashed: string[] = [];
  for (const candidate of candidates) {
    if (!isStale(candidate, now)) continue;
    const result = await transitionFlowRunIf(ctx, candidate.id, isStale, (row, at) => {
      const silentSeconds = Math.round((at.getTime() - lastSignOfLife(row)) / 1000);
      const silence = `no heartbeat for ${silentSeconds} s (more than ${missed} × ${row.heartbeat_interval_seconds ?? defaultIntervalSeconds} s)`;
      if (row.state_type === "CANCELLING") return makeState("Cancelled", { now: at, message: `${silence}: the process being cancelled is gone` });
      const message = `${silence}: the process running it is gone`;
      return makeState("Crashed", {
        now: at,
        message,
        error: { name: "MissedHeartbeats", message, isRetryable: true },
        details: { lastHeartbeatAt: row.heartbeat_at, workerId: row.worker_id, infrastructurePid: row.infrastructure_pid },
      });
    });
    if (result?.status === "ACCEPT") crashed.push(candidate.id);
  }
  return crashed;
}
