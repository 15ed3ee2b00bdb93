/** Cancellation cleanup: cancels the unfinished children of cancelled runs (see cancel-children-of-cancelled-runs.ts). */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { cancelChildrenOfCancelledRuns } from "../orchestration/maintenance/cancel-children-of-cancelled-runs.js";
import type { ServiceLoop } from "./service-loop.js";

/** The cancellation-cleanup loop. */
export function createCancellationCleanupService(ctx: OrchestrationContext, options: { intervalMs: number }): ServiceLoop {
  return {
    name: "cancellation-cleanup",
    intervalMs: options.intervalMs,
    tick: async () => {
      await cancelChildrenOfCancelledRuns(ctx);
    },
  };
}
