/**
 * Retention: deletes finished runs, their states, logs and the `server` results only they referred
 * to, older than a configured age (see delete-expired-run-data.ts), and stored events that old
 * (delete-expired-events.ts), finished notification deliveries and automation firings that old
 * (delete-expired-notifications.ts); then old `server` results no
 * run refers to (delete-orphaned-results.ts), resuming where the previous pass stopped. Results in
 * stores the server cannot see (local, file://, s3://) are reclaimed by `weir storage prune`.
 */
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { deleteExpiredEvents } from "../orchestration/maintenance/delete-expired-events.js";
import { deleteExpiredNotifications } from "../orchestration/maintenance/delete-expired-notifications.js";
import { deleteExpiredRunData } from "../orchestration/maintenance/delete-expired-run-data.js";
import { deleteOrphanedResults, type ResultCursor } from "../orchestration/maintenance/delete-orphaned-results.js";
import type { ServiceLoop } from "./service-loop.js";

/** The retention loop. */
export function createRetentionService(ctx: OrchestrationContext, options: { intervalMs: number; retentionSeconds: number }): ServiceLoop {
  let resultCursor: ResultCursor | null = null;
  return {
    name: "retention",
    intervalMs: options.intervalMs,
    tick: async () => {
      const runs = await deleteExpiredRunData(ctx, { olderThanSeconds: options.retentionSeconds });
      await deleteExpiredEvents(ctx, { olderThanSeconds: options.retentionSeconds });
      await deleteExpiredNotifications(ctx, { olderThanSeconds: options.retentionSeconds });
      // Runs still due for deletion keep their results referred to: sweep once they are gone.
      if (runs.hasMore) return;
      resultCursor = (await deleteOrphanedResults(ctx, { olderThanSeconds: options.retentionSeconds, after: resultCursor })).next;
    },
  };
}
