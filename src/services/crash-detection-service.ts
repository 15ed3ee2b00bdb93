/**
 * Crash detection: marks runs whose heartbeats stopped as Crashed (see mark-crashed-flow-runs.ts),
 * and reports workers whose heartbeats stopped as offline (stored events, worker-status-events.ts).
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { markCrashedFlowRuns } from "../orchestration/maintenance/mark-crashed-flow-runs.js";
import { reportOfflineWorkers } from "../orchestration/worker-status-events.js";
import type { ServiceLoop } from "./service-loop.js";

/** The crash-detection loop. */
export function createCrashDetectionService(
  ctx: OrchestrationContext,
  options: { intervalMs: number; missedHeartbeats: number; defaultHeartbeatIntervalSeconds: number },
): ServiceLoop {
  return {
    name: "crash-detection",
    intervalMs: options.intervalMs,
    tick: async () => {
      await markCrashedFlowRuns(ctx, options);
      await reportOfflineWorkers(ctx);
    },
  };
}
