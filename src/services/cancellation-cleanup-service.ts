/**
 * Cancellation cleanup: cancels the unfinished children of cancelled runs
 * (cancel-children-of-cancelled-runs.ts), and finishes as Cancelled the Cancelling runs that have
 * no live process (finish-abandoned-cancelling-runs.ts).
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { cancelChildrenOfCancelledRuns } from "../orchestration/maintenance/cancel-children-of-cancelled-runs.js";
import { finishAbandonedCancellingRuns } from "../orchestration/maintenance/finish-abandoned-cancelling-runs.js";
import type { ServiceLoop } from "./service-loop.js";

/** The cancellation-cleanup loop. */
export function createCancellationCleanupService(
  ctx: OrchestrationContext,
  options: { intervalMs: number; missedHeartbeats?: number; defaultHeartbeatIntervalSeconds?: number },
): ServiceLoop {
  return {
    name: "cancellation-cleanup",
    intervalMs: options.intervalMs,
    tick: async () => {
      await finishAbandonedCancellingRuns(ctx, {
        ...(options.missedHeartbeats === undefined ? {} : { missedHeartbeats: options.missedHeartbeats }),
        ...(options.defaultHeartbeatIntervalSeconds === undefined ? {} : { defaultHeartbeatIntervalSeconds: options.defaultHeartbeatIntervalSeconds }),
      });
      await cancelChildrenOfCancelledRuns(ctx);
    },
  };
}
