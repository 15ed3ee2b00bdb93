/** The scheduler: creates runs ahead of time for active schedules (see schedule-deployment-runs.ts). */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { scheduleDeploymentRuns, type ScheduleDeploymentRunsOptions } from "../orchestration/maintenance/schedule-deployment-runs.js";
import type { ServiceLoop } from "./service-loop.js";

/** The scheduler loop. */
export function createSchedulerService(
  ctx: OrchestrationContext,
  options: ScheduleDeploymentRunsOptions & { intervalMs: number; onError: (error: unknown, name: string) => void },
): ServiceLoop {
  const name = "scheduler";
  return {
    name,
    intervalMs: options.intervalMs,
    tick: async () => {
      await scheduleDeploymentRuns(ctx, { ...options, onScheduleError: (error) => options.onError(error, name) });
    },
  };
}
