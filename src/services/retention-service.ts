/** Retention: deletes finished runs, their states and logs older than a configured age (see delete-expired-run-data.ts). */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { deleteExpiredRunData } from "../orchestration/maintenance/delete-expired-run-data.js";
import type { ServiceLoop } from "./service-loop.js";

/** The retention loop. */
export function createRetentionService(ctx: OrchestrationContext, options: { intervalMs: number; retentionSeconds: number }): ServiceLoop {
  return {
    name: "retention",
    intervalMs: options.intervalMs,
    tick: async () => {
      await deleteExpiredRunData(ctx, { olderThanSeconds: options.retentionSeconds });
    },
  };
}
