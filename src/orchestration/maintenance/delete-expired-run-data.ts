/**
 * Retention: delete finished flow runs (with their states, task runs, logs and artifacts),
 * finished task runs outside any flow run, and log lines, once older than a configured age.
 * A run's age counts from when it finished; runs that have not finished are never deleted.
 * Works in batches, one write transaction each, so it never holds the database for long.
 */
import type { OrchestrationContext } from "../orchestration-context.js";
import { deleteFlowRunsWithDependents } from "./delete-flow-runs.js";

const TERMINAL_TYPES = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

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
}

/** Delete run data older than the retention age (see header). */
export async function deleteExpiredRunData(ctx: OrchestrationContext, options: DeleteExpiredRunDataOptions): Promise<DeletedRunData> {
  const { database } = ctx;
  const batchSize = options.batchSize ?? 500;
  const maxBatches = options.maxBatches ?? 20;
  const cutoff = new Date(ctx.clock.now().getTime() - options.olderThanSeconds * 1000).toISOString();
  const deleted: DeletedRunData = { flowRuns: 0, taskRuns: 0, logs: 0 };

  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await database.writeTransaction(async (trx) => {
      const rows = await trx
        .selectFrom("flow_runs")
        .select("id")
        .where("state_type", "in", TERMINAL_TYPES)
        .where("end_time", "<", cutoff)
        .limit(batchSize)
        .execute();
      return deleteFlowRunsWithDependents(trx, rows.map((row) => row.id));
    });
    deleted.flowRuns += count;
    if (count < batchSize) break;
  }

  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await database.writeTransaction(async (trx) => {
      const ids = (
        await trx
          .selectFrom("task_runs")
          .select("id")
          .where("flow_run_id", "is", null)
          .where("state_type", "in", TERMINAL_TYPES)
          .where("end_time", "<", cutoff)
          .limit(batchSize)
          .execute()
      ).map((row) => row.id);
      if (ids.length === 0) return 0;
      await trx.deleteFrom("task_run_states").where("task_run_id", "in", ids).execute();
      await trx.deleteFrom("logs").where("task_run_id", "in", ids).execute();
      await trx.deleteFrom("artifacts").where("task_run_id", "in", ids).execute();
      return Number((await trx.deleteFrom("task_runs").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
    });
    deleted.taskRuns += count;
    if (count < batchSize) break;
  }

  for (let batch = 0; batch < maxBatches; batch++) {
    const count = await database.writeTransaction(async (trx) => {
      const ids = (await trx.selectFrom("logs").select("id").where("timestamp", "<", cutoff).orderBy("id").limit(batchSize).execute()).map((row) => row.id);
      if (ids.length === 0) return 0;
      return Number((await trx.deleteFrom("logs").where("id", "in", ids).executeTakeFirst()).numDeletedRows);
    });
    deleted.logs += count;
    if (count < batchSize) break;
  }
  return deleted;
}
