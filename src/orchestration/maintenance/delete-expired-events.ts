/**
 * Retention of stored events: delete the events (with their related rows) that occurred more
 * than a configured age ago, in batches of one write transaction each, oldest first (a range of
 * the `occurred` index, migration 013), so a pass with nothing to delete reads next to nothing.
 */
import type { OrchestrationContext } from "../orchestration-context.js";
import { deleteInBatches, retentionCutoff } from "./delete-in-batches.js";

/** Options of {@link deleteExpiredEvents}. */
export interface DeleteExpiredEventsOptions {
  /** Delete events that occurred more than this many seconds ago. */
  olderThanSeconds: number;
  /** Events per transaction. @default 1000 */
  batchSize?: number;
  /** Stop after this many batches per call (the next call continues). @default 20 */
  maxBatches?: number;
}

/** Delete events older than the retention age; returns how many and whether more are due. */
export async function deleteExpiredEvents(ctx: OrchestrationContext, options: DeleteExpiredEventsOptions): Promise<{ events: number; hasMore: boolean }> {
  const limits = { batchSize: options.batchSize ?? 1000, maxBatches: options.maxBatches ?? 20 };
  const cutoff = retentionCutoff(ctx, options.olderThanSeconds);
  const { deleted, hasMore } = await deleteInBatches(ctx.database, limits, async (trx) => {
    const seqs = (await trx.selectFrom("events").select("seq").where("occurred", "<", cutoff).orderBy("occurred").limit(limits.batchSize).execute()).map((row) => Number(row.seq));
    if (seqs.length === 0) return 0;
    await trx.deleteFrom("event_related").where("seq", "in", seqs).execute();
    return Number((await trx.deleteFrom("events").where("seq", "in", seqs).executeTakeFirst()).numDeletedRows);
  });
  return { events: deleted, hasMore };
}
