/**
 * Retention of stored events: delete the events (with their related rows) that occurred more
 * than a configured age ago, in batches of one write transaction each, oldest first (a range of
 * the `occurred` index, migration 013), so a pass with nothing to delete reads next to nothing.
 */
import type { OrchestrationContext } from "../orchestration-context.js";

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
  const { database } = ctx;
  const batchSize = options.batchSize ?? 1000;
  const maxBatches = options.maxBatches ?? 20;
  const cutoff = new Date(ctx.clock.now().getTime() - options.olderThanSeconds * 1000).toISOString();
  let total = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await database.writeTransaction(async (trx) => {
      const seqs = (await trx.selectFrom("events").select("seq").where("occurred", "<", cutoff).orderBy("occurred").limit(batchSize).execute()).map((row) => Number(row.seq));
      if (seqs.length === 0) return 0;
      await trx.deleteFrom("event_related").where("seq", "in", seqs).execute();
      return Number((await trx.deleteFrom("events").where("seq", "in", seqs).executeTakeFirst()).numDeletedRows);
    });
    total += count;
    if (count < batchSize) return { events: total, hasMore: false };
  }
  return { events: total, hasMore: true };
}
