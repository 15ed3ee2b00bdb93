/**
 * Retention of notification history: delete finished notification deliveries (`sent`, `failed`;
 * by their last update, i.e. the final outcome) and automation firings whose actions ran
 * (`done`; by when they fired) older than a configured age, in batches of one write transaction
 * each. Pending and sending deliveries, and firings whose actions have not run, are kept however
 * old: the services still have work to do on them.
 */
import type { OrchestrationContext } from "../orchestration-context.js";
import { deleteInBatches, retentionCutoff } from "./delete-in-batches.js";

/** Options of {@link deleteExpiredNotifications}. */
export interface DeleteExpiredNotificationsOptions {
  /** Delete rows that finished more than this many seconds ago. */
  olderThanSeconds: number;
  /** Rows per transaction. @default 500 */
  batchSize?: number;
  /** Stop after this many batches per table per call (the next call continues). @default 20 */
  maxBatches?: number;
}

/** What a call deleted. */
export interface DeletedNotifications {
  deliveries: number;
  firings: number;
  hasMore: boolean;
}

/** Delete finished deliveries and firings older than the retention age (see file header). */
export async function deleteExpiredNotifications(ctx: OrchestrationContext, options: DeleteExpiredNotificationsOptions): Promise<DeletedNotifications> {
  const limits = { batchSize: options.batchSize ?? 500, maxBatches: options.maxBatches ?? 20 };
  const cutoff = retentionCutoff(ctx, options.olderThanSeconds);
  const deliveries = await deleteInBatches(ctx.database, limits, async (trx) => {
    const ids = (await trx.selectFrom("notification_deliveries").select("id").where("status", "in", ["sent", "failed"]).where("updated_at", "<", cutoff).limit(limits.batchSize).execute()).map((row) => row.id);
    if (ids.length === 0) return 0;
    return Number((await trx.deleteFrom("notification_deliveries").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
  });
  const firings = await deleteInBatches(ctx.database, limits, async (trx) => {
    // (status, fired_at) index of migration 015.
    const ids = (await trx.selectFrom("automation_firings").select("id").where("status", "=", "done").where("fired_at", "<", cutoff).orderBy("fired_at").limit(limits.batchSize).execute()).map((row) => row.id);
    if (ids.length === 0) return 0;
    return Number((await trx.deleteFrom("automation_firings").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
  });
  return { deliveries: deliveries.deleted, firings: firings.deleted, hasMore: deliveries.hasMore || firings.hasMore };
}
