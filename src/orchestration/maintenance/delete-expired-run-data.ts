/**
 * Retention: delete finished flow runs (with their states, task runs, logs and artifacts),
 * finished task runs outside any flow run, and log lines, once older than a configured age;
 * with the runs, the results of the `server` store they referred to that no remaining run refers
 * to (release-stored-results.ts). A run's age counts from when it finished; runs that have not
 * finished are never deleted. Works in batches, one write transaction each, so it never holds the
 * database for long; every batch is a range of an index (migration 008), so a pass with nothing
 * to delete reads next to nothing.
 */
import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { deleteFlowRunsWithDependents } from "./delete-flow-runs.js";
import { deleteInBatches, retentionCutoff } from "./delete-in-batches.js";
import { deleteUnreferencedResults, resultKeysOfFlowRuns, resultKeysOfTaskRuns } from "./release-stored-results.js";

const TERMINAL_TYPES = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

// The state type as an expression, so that no planner walks the state-type index (every finished
// run) instead of the end-time range (migration 008): SQLite, without statistics, prefers an
// equality on an indexed column to any range. Only finished runs have an end time anyway.
const stateTypeOf = (eb: ExpressionBuilder<DatabaseSchema, "flow_runs" | "task_runs">) => eb.fn.coalesce("state_type", sql.lit(""));

/** Options of {@link deleteExpiredRunData}. */
export interface DeleteExpiredRunDataOptions {
  /** Delete what finished (or was logged) more than this many seconds ago. */
  olderThanSeconds: number;
  /** Rows per transaction. @default 500 */
  batchSize?: number;
  /** Stop after this many batches per call (the next call continues). @default 20 */
  maxBatches?: number;
}

/** What one retention pass deleted. */
export interface DeletedRunData {
  flowRuns: number;
  taskRuns: number;
  logs: number;
  /** Rows of the `server` result store that went with the runs. */
  results: number;
  /** Whether a kind of row stopped at `maxBatches` (more is due; the next pass continues). */
  hasMore: boolean;
}

/** Delete run data older than the retention age (see header). */
export async function deleteExpiredRunData(ctx: OrchestrationContext, options: DeleteExpiredRunDataOptions): Promise<DeletedRunData> {
  const { database } = ctx;
  const limits = { batchSize: options.batchSize ?? 500, maxBatches: options.maxBatches ?? 20 };
  const cutoff = retentionCutoff(ctx, options.olderThanSeconds);
  const deleted: DeletedRunData = { flowRuns: 0, taskRuns: 0, logs: 0, results: 0, hasMore: false };
  const inBatches = async (deleteBatch: (trx: Kysely<DatabaseSchema>) => Promise<number>): Promise<number> => {
    const batched = await deleteInBatches(database, limits, deleteBatch);
    deleted.hasMore ||= batched.hasMore;
    return batched.deleted;
  };

  deleted.flowRuns = await inBatches(async (trx) => {
    const ids = (
      await trx.selectFrom("flow_runs").select("id").where("end_time", "<", cutoff).where((eb) => eb(stateTypeOf(eb), "in", TERMINAL_TYPES)).orderBy("end_time").limit(limits.batchSize).execute()
    ).map((row) => row.id);
    const keys = await resultKeysOfFlowRuns(trx, database.sql, ids);
    const count = await deleteFlowRunsWithDependents(trx, ids);
    deleted.results += await deleteUnreferencedResults(trx, database.sql, keys);
    return count;
  });

  deleted.taskRuns = await inBatches(async (trx) => {
    const ids = (
      await trx
        .selectFrom("task_runs")
        .select("id")
        .where("flow_run_id", "is", null)
        .where("end_time", "<", cutoff)
        .where((eb) => eb(stateTypeOf(eb), "in", TERMINAL_TYPES))
        .orderBy("end_time")
        .limit(limits.batchSize)
        .execute()
    ).map((row) => row.id);
    if (ids.length === 0) return 0;
    const keys = await resultKeysOfTaskRuns(trx, database.sql, ids);
    await trx.deleteFrom("task_run_states").where("task_run_id", "in", ids).execute();
    await trx.deleteFrom("logs").where("task_run_id", "in", ids).execute();
    await trx.deleteFrom("artifacts").where("task_run_id", "in", ids).execute();
    const count = Number((await trx.deleteFrom("task_runs").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
    deleted.results += await deleteUnreferencedResults(trx, database.sql, keys);
    return count;
  });

  deleted.logs = await inBatches(async (trx) => {
    const ids = (await trx.selectFrom("logs").select("id").where("timestamp", "<", cutoff).orderBy("timestamp").limit(limits.batchSize).execute()).map((row) => row.id);
    if (ids.length === 0) return 0;
    return Number((await trx.deleteFrom("logs").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
  });
  return deleted;
}
