/**
 * Late runs: renames overdue Scheduled runs to Late (see mark-late-flow-runs.ts), resumes
 * Suspended runs whose awaited event was stored (resume-runs-on-events.ts) or whose timed wait
 * has come (resume-due-waits.ts: `sleepUntil`, `waitForEvent`'s timeout), and fails Suspended runs nobody resumed within their timeout
 * (fail-expired-suspended-runs.ts).
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { failExpiredSuspendedRuns } from "../orchestration/maintenance/fail-expired-suspended-runs.js";
import { markLateFlowRuns } from "../orchestration/maintenance/mark-late-flow-runs.js";
import { resumeDueWaits } from "../orchestration/maintenance/resume-due-waits.js";
import { resumeRunsOnEvents } from "../orchestration/maintenance/resume-runs-on-events.js";
import type { ServiceLoop } from "./service-loop.js";

/** The late-runs loop. */
export function createLateRunsService(ctx: OrchestrationContext, options: { intervalMs: number; lateAfterSeconds: number }): ServiceLoop {
  return {
    name: "late-runs",
    intervalMs: options.intervalMs,
    tick: async () => {
      await markLateFlowRuns(ctx, { lateAfterSeconds: options.lateAfterSeconds });
      // An event stored before the timeout wins over the timeout.
      await resumeRunsOnEvents(ctx);
      await resumeDueWaits(ctx);
      await failExpiredSuspendedRuns(ctx);
    },
  };
}
