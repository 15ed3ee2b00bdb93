/**
 * The task queue (src/core/task-queue.ts): enqueue (an item sent twice is kept once), claim
 * with a lease, renew, complete once, read back (taking, or reading then deleting). Claims take rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL, so task workers never
 * wait for each other, and run in a `BEGIN IMMEDIATE` transaction on SQLite. Completion is
 * guarded by the claim: only the worker that holds an item may record its outcome.
 */
import { sql } from "kysely";
import { WeirError } from "../core/weir-error.js";
import type { ClaimedTaskRun, ClaimTaskRunsInput, CompleteTaskRunInput, FinishedTaskRun, TaskQueueApi } from "../core/task-queue.js";
import type { OrchestrationContext } from "./orchestration-context.js";

// Rows per INSERT: 11 columns × 500 stays under SQLite's bound-parameter limit.
const INSERT_CHUNK = 500;
// Outcomes per UPDATE (5 parameters each).
const COMPLETE_CHUNK = 200;
// Ids per IN (...) list.
const ID_CHUNK = 500;
/** Most items one claim takes. */
export const MAX_CLAIM = 1000;
/** Most finished items one read returns. */
export const MAX_FINISHED_READ = 5000;
/** Outcome text one read of finished items returns at most (past its first item): 4 MiB, under the server's body limit. */
export const MAX_FINISHED_READ_BYTES = 4 * 1024 * 1024;

/** Build the task-queue service. */
export function createTaskQueueService(ctx: OrchestrationContext): TaskQueueApi {
  const { database, clock } = ctx;
  const { db } = database;
  const now = () => clock.now().toISOString();

  // Oldest first, until `limit` items or MAX_FINISHED_READ_BYTES of outcomes (at least one item).
  const readFinished = async (owner: string, limit: number): Promise<FinishedTaskRun[]> => {
    const rows = await db
      .selectFrom("task_queue_items")
      .select(["id", "status", "outcome"])
      .where("owner", "=", owner)
      .where("status", "in", ["completed", "failed"])
      .orderBy("id")
      .limit(Math.min(Math.max(1, Math.floor(limit)), MAX_FINISHED_READ))
      .execute();
    const finished: FinishedTaskRun[] = [];
    let bytes = 0;
    for (const row of rows) {
      const outcome = row.outcome ?? "{}";
      bytes += outcome.length;
      if (finished.length > 0 && bytes > MAX_FINISHED_READ_BYTES) break;
      finished.push({ id: row.id, isFailed: row.status === "failed", outcome });
    }
    return finished;
  };

  const deleteFinished = async (owner: string, ids: readonly string[]): Promise<number> => {
    let count = 0;
    for (let start = 0; start < ids.length; start += ID_CHUNK) {
      const result = await db
        .deleteFrom("task_queue_items")
        .where("owner", "=", owner)
        .where("id", "in", ids.slice(start, start + ID_CHUNK))
        .where("status", "in", ["completed", "failed"])
        .executeTakeFirst();
      count += Number(result.numDeletedRows);
    }
    return count;
  };

  return {
    async enqueueTaskRuns(items) {
      const createdAt = now();
      for (let start = 0; start < items.length; start += INSERT_CHUNK) {
        const rows = items.slice(start, start + INSERT_CHUNK).map((item) => ({
          id: item.id,
          queue: item.queue,
          owner: item.owner,
          task_run_id: item.taskRunId,
          flow_run_id: item.flowRunId,
          module: item.module,
          task_name: item.taskName,
          args: item.args,
          attempt: item.attempt,
          timeout_ms: item.timeoutMs,
          status: "queued",
          created_at: createdAt,
        }));
        // An item sent again (a retried request whose answer was lost) is already there: keep it.
        await db.insertInto("task_queue_items").values(rows).onConflict((conflict) => conflict.column("id").doNothing()).execute();
      }
    },

    async claimTaskRuns(input: ClaimTaskRunsInput): Promise<ClaimedTaskRun[]> {
      const limit = Math.min(Math.max(1, Math.floor(input.limit)), MAX_CLAIM);
      if (!Number.isFinite(input.leaseSeconds) || input.leaseSeconds <= 0) throw WeirError.validation("task-queue claim", [{ path: "leaseSeconds", message: "must be > 0" }]);
      return database.writeTransaction(async (trx) => {
        const at = clock.now();
        let query = trx
          .selectFrom("task_queue_items")
          .selectAll()
          .where("queue", "=", input.queue)
          .where((eb) => eb.or([eb("status", "=", "queued"), eb.and([eb("status", "=", "running"), eb("lease_expires_at", "<", at.toISOString())])]))
          .orderBy("id")
          .limit(limit);
        if (database.capabilities.supportsRowLocks) query = query.forUpdate().skipLocked();
        const rows = await query.execute();
        if (rows.length === 0) return [];
        const leaseExpiresAt = new Date(at.getTime() + input.leaseSeconds * 1000).toISOString();
        for (let start = 0; start < rows.length; start += ID_CHUNK) {
          const ids = rows.slice(start, start + ID_CHUNK).map((row) => row.id);
          await trx
            .updateTable("task_queue_items")
            .set((eb) => ({ status: "running", claimed_by: input.workerName, lease_expires_at: leaseExpiresAt, claims: eb("claims", "+", 1) }))
            .where("id", "in", ids)
            .execute();
        }
        return rows.map((row) => ({
          id: row.id,
          queue: row.queue,
          owner: row.owner,
          taskRunId: row.task_run_id,
          flowRunId: row.flow_run_id,
          module: row.module,
          taskName: row.task_name,
          args: row.args,
          attempt: Number(row.attempt),
          timeoutMs: row.timeout_ms === null ? null : Number(row.timeout_ms),
          claims: Number(row.claims) + 1,
        }));
      });
    },

    async renewTaskRunLeases(workerName, ids, leaseSeconds) {
      const held: string[] = [];
      const leaseExpiresAt = new Date(clock.now().getTime() + leaseSeconds * 1000).toISOString();
      for (let start = 0; start < ids.length; start += ID_CHUNK) {
        const chunk = ids.slice(start, start + ID_CHUNK);
        const rows = await db
          .updateTable("task_queue_items")
          .set({ lease_expires_at: leaseExpiresAt })
          .where("id", "in", chunk)
          .where("status", "=", "running")
          .where("claimed_by", "=", workerName)
          .returning("id")
          .execute();
        held.push(...rows.map((row) => row.id));
      }
      return held;
    },

    async completeTaskRuns(outcomes: readonly CompleteTaskRunInput[]) {
      if (outcomes.length === 0) return [];
      return database.writeTransaction(async (trx) => {
        const recorded: string[] = [];
        // One UPDATE per worker and chunk: CASE picks each row's status and outcome.
        const byWorker = new Map<string, CompleteTaskRunInput[]>();
        for (const outcome of outcomes) byWorker.set(outcome.workerName, [...(byWorker.get(outcome.workerName) ?? []), outcome]);
        for (const [workerName, mine] of byWorker) {
          for (let start = 0; start < mine.length; start += COMPLETE_CHUNK) {
            const chunk = mine.slice(start, start + COMPLETE_CHUNK);
            const status = sql<string>`CASE id ${sql.join(chunk.map((o) => sql`WHEN ${o.id} THEN ${o.isFailed ? "failed" : "completed"}`), sql` `)} END`;
            const outcome = sql<string>`CASE id ${sql.join(chunk.map((o) => sql`WHEN ${o.id} THEN ${o.outcome}`), sql` `)} END`;
            const rows = await trx
              .updateTable("task_queue_items")
              .set({ status, outcome, lease_expires_at: null })
              .where("id", "in", chunk.map((o) => o.id))
              .where("status", "=", "running")
              .where("claimed_by", "=", workerName)
              .returning("id")
              .execute();
            recorded.push(...rows.map((row) => row.id));
          }
        }
        return recorded;
      });
    },

    async readFinishedTaskRuns(owner, limit) {
      return readFinished(owner, limit);
    },

    async deleteFinishedTaskRuns(owner, ids) {
      return deleteFinished(owner, ids);
    },

    async takeFinishedTaskRuns(owner, limit) {
      const finished = await readFinished(owner, limit);
      await deleteFinished(owner, finished.map((item) => item.id));
      return finished;
    },

    async withdrawTaskRuns(ids) {
      let count = 0;
      for (let start = 0; start < ids.length; start += ID_CHUNK) {
        const result = await db.deleteFrom("task_queue_items").where("id", "in", ids.slice(start, start + ID_CHUNK)).where("status", "=", "queued").executeTakeFirst();
        count += Number(result.numDeletedRows);
      }
      return count;
    },

    async countTaskQueue(queue) {
      const rows = await db.selectFrom("task_queue_items").select(["status", (eb) => eb.fn.countAll<number | string>().as("count")]).where("queue", "=", queue).groupBy("status").execute();
      return Object.fromEntries(rows.map((row) => [row.status, Number(row.count)]));
    },
  };
}
