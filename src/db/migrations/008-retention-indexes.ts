/**
 * 008: indexes that keep retention (src/orchestration/maintenance/delete-expired-run-data.ts) and
 * `weir storage prune` cheap on large tables, on both databases.
 *
 * - `flow_runs (end_time)`, and `task_runs (flow_run_id, end_time)` of the task runs outside
 *   any flow run (partial: flow runs' task runs, the hot path, pay nothing): the expired runs are
 *   a range of one index. Before, finding them walked every finished run
 *   through the state-type index and read each row's end time, at every retention pass.
 * - `results (created_at, key)`: the results older than the retention window, in a stable order
 *   a pass can resume from, without reading the result rows (their bytes) to learn their age.
 * - `state.result.storageKey` of `task_runs` and `flow_runs` (src/db/stored-result-key.ts):
 *   "does any run still refer to result K" is one lookup, where it was a text search through
 *   every run's states. Partial: only runs with a stored result have an entry; every other
 *   write pays the evaluation of the expression and nothing more.
 */
import { sql } from "kysely";
import { storedResultKeySql } from "../stored-result-key.js";
import type { Migration } from "../migration.js";

/** Migration 008. */
export const retentionIndexes: Migration = {
  name: "008-retention-indexes",
  async up(db, types) {
    await db.schema.createIndex("results_created_idx").on("results").columns(["created_at", "key"]).execute();
    await db.schema.createIndex("flow_runs_end_time_idx").on("flow_runs").column("end_time").where(sql.ref("end_time"), "is not", null).execute();
    await sql`create index task_runs_standalone_end_idx on task_runs (flow_run_id, end_time) where flow_run_id is null and end_time is not null`.execute(db);
    for (const table of ["task_runs", "flow_runs"] as const) {
      const key = storedResultKeySql(types.dialect, "state");
      await sql`create index ${sql.raw(`${table}_result_key_idx`)} on ${sql.table(table)} (${key}) where ${key} is not null`.execute(db);
    }
  },
};
