/**
 * Retention's batch loop, shared by the retention deletes: each batch is one write transaction
 * that deletes up to `batchSize` rows; a batch that deletes fewer means nothing more is due, and
 * after `maxBatches` full batches the pass stops with `hasMore` (the next pass continues), so no
 * pass holds the database for long.
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";
import type { WeirDatabase } from "../../db/weir-database.js";
import type { OrchestrationContext } from "../orchestration-context.js";

/** How much one retention pass deletes of one kind of row. */
export interface BatchLimits {
  /** Rows per transaction. */
  batchSize: number;
  /** Batches per pass. */
  maxBatches: number;
}

/** What a batched deletion did: rows deleted, and whether it stopped at `maxBatches` with more due. */
export interface BatchedDeletion {
  deleted: number;
  hasMore: boolean;
}

/** Run `deleteBatch` (it returns how many rows it deleted) in write transactions, per the file header. */
export async function deleteInBatches(database: WeirDatabase, limits: BatchLimits, deleteBatch: (trx: Kysely<DatabaseSchema>) => Promise<number>): Promise<BatchedDeletion> {
  let deleted = 0;
  for (let batch = 0; batch < limits.maxBatches; batch++) {
    const count = await database.writeTransaction(deleteBatch);
    deleted += count;
    if (count < limits.batchSize) return { deleted, hasMore: false };
  }
  return { deleted, hasMore: true };
}

/** The time (ISO-8601) before which retention deletes: `olderThanSeconds` before the context's now. */
export function retentionCutoff(ctx: OrchestrationContext, olderThanSeconds: number): string {
  return new Date(ctx.clock.now().getTime() - olderThanSeconds * 1000).toISOString();
}
