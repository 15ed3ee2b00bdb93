/**
 * The scheduler: creates runs ahead of time for active schedules (see schedule-deployment-runs.ts)
 * and, after downtime, applies each schedule's catch-up policy, logging one line per schedule
 * whose missed slots were skipped (see catch-up-missed-slots.ts).
 */
import type { SkippedSlots } from "../orchestration/maintenance/catch-up-missed-slots.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { scheduleDeploymentRuns, type ScheduleDeploymentRunsOptions } from "../orchestration/maintenance/schedule-deployment-runs.js";
import type { ServiceLoop } from "./service-loop.js";

/** The log line of one schedule's skipped slots. */
export function skippedSlotsLine(skipped: SkippedSlots): string {
  const span = skipped.count === 1 ? `slot ${skipped.first}` : `${skipped.count} slots from ${skipped.first} to ${skipped.last}`;
  const cancelled = skipped.cancelledRunIds.length === 0 ? "" : `; ${skipped.cancelledRunIds.length} run(s) created ahead for them cancelled`;
  return `skipped ${span} of schedule ${skipped.scheduleId} (deployment ${skipped.deploymentId}), missed while no scheduler ran: catch-up policy '${skipped.policy}'${cancelled}`;
}

/** The scheduler loop. */
export function createSchedulerService(
  ctx: OrchestrationContext,
  options: ScheduleDeploymentRunsOptions & {
    intervalMs: number;
    onError: (error: unknown, name: string) => void;
    /** Where the loop's notices go (a skipped slot). */
    onLog: (line: string, name: string) => void;
    /** Counts skipped slots (metrics). @default none */
    onSkippedSlotCount?: (count: number, policy: string) => void;
  },
): ServiceLoop {
  const name = "scheduler";
  return {
    name,
    intervalMs: options.intervalMs,
    tick: async () => {
      await scheduleDeploymentRuns(ctx, {
        ...options,
        onScheduleError: (error) => options.onError(error, name),
        onSkippedSlots: (skipped) => {
          options.onSkippedSlotCount?.(skipped.count, skipped.policy);
          options.onLog(skippedSlotsLine(skipped), name);
        },
      });
    },
  };
}
