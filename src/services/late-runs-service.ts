/**
 * Late runs: renames overdue Scheduled runs to Late (see mark-late-flow-runs.ts), and fails
 * Suspended runs nobody resumed within their timeout (fail-expired-suspended-runs.ts).
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { failExpiredSuspendedRuns } from "../orchestration/maintenance/fail-expired-suspended-runs.js";
import { markLateFlowRuns } from "../orchestration/maintenance/mark-late-flow-runs.js";
import type { ServiceLoop } from "./service-loop.js";

/** The late-runs loop. */
export function createLateRunsService(ctx: OrchestrationContext, options: { intervalMs: number; lateAfterSeconds: number }): ServiceLoop {
  return {
    name: "late-runs",
    intervalMs: options.intervalMs,
    tick: async () => {
      await markLateFlowRuns(ctx, { lateAfterSeconds: options.lateAfterSeconds });
      await failExpiredSuspendedRuns(ctx);
    },
  };
}
