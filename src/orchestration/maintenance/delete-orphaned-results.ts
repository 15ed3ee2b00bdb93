/**
 * Retention's second half for the `server` result store: results older than the retention age
 * that no run refers to. Retention deletes a run's results with the run, so these are the rest:
 * results whose run never recorded them (its process died between the upload and the state),
 * results of runs deleted before migration 008 or by a path that does not release them, and the
 * result of a flow run's attempt that a retry replaced. Old results still referred to (a cache
 * entry many runs hit) stay. A pass reads at most `maxBatches` pages of old results, in
 * (created_at, key) order from a cursor, so a table of many old but referenced results is walked
 * over several passes instead of re-read at each.
 */
import type { OrchestrationContext } from "../orchestration-context.js";
import { retentionCutoff } from "./delete-in-batches.js";
import { deleteUnreferencedResults } from "./release-stored-results.js";

/** Where a pass stopped: the last result it looked at. */
export interface ResultCursor {
  createdAt: string;
  key: string;
}

/** Options of {@link deleteOrphanedResults}. */
export interface DeleteOrphanedResultsOptions {
  /** Only results written more than this many seconds ago. */
  olderThanSeconds: number;
  /** Continue after this result (null: from the oldest). */
  after?: ResultCursor | null;
  /** Results per transaction. @default 500 */
  batchSize?: number;
  /** Pages per call. @default 20 */
  maxBatches?: number;
}

/** What a pass deleted, and where the next one continues (null: from the start). */
export interface DeletedOrphanedResults {
  results: number;
  next: ResultCursor | null;
}

/** Delete old results no run refers to (see header). */
export async function deleteOrphanedResults(ctx: OrchestrationContext, options: DeleteOrphanedResultsOptions): Promise<DeletedOrphanedResults> {
  const { database } = ctx;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  const cutoff = retentionCutoff(ctx, options.olderThanSeconds);
  let after = options.after ?? null;
  let deleted = 0;
  for (let batch = 0; batch < maxBatches; batch++) {
    const page = await database.writeTransaction(async (trx) => {
      let query = trx.selectFrom("results").select(["key", "created_at"]).where("created_at", "<", cutoff).orderBy("created_at").orderBy("key").limit(batchSize);
      if (after !== null) {
        const from = after;
        query = query.where((eb) => eb(eb.refTuple("created_at", "key"), ">", eb.tuple(from.createdAt, from.key)));
      }
      const rows = await query.execute();
      deleted += await deleteUnreferencedResults(trx, database.sql, rows.map((row) => row.key));
      return rows;
    });
    const last = page[page.length - 1];
    if (page.length < batchSize || last === undefined) return { results: deleted, next: null };
    after = { createdAt: last.created_at, key: last.key };
  }
  return { results: deleted, next: after };
}
