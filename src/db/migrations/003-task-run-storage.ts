/**
 * 003: a task run's state history moves into its own row (`task_runs.state_history`, a JSON array
 * kept as text, in arrival order). Every task writes two or more states; as rows of
 * `task_run_states` each cost an insert into the table and into its unique (task_run_id, id)
 * index, so a trivial task touched six B-tree entries. In the row, the whole task run is one
 * upsert, and reading the history stays one lookup by primary key. Text rather than jsonb: the
 * history is only ever read whole, and the writer appends to it without re-parsing.
 *
 * Existing history rows are moved over (ordered by `seq`) and removed; `task_run_states` stays,
 * empty, because the run-deletion paths still delete from it.
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

/** Migration 003. */
export const taskRunStorage: Migration = {
  name: "003-task-run-storage",
  async up(db, types) {
    await db.schema
      .alterTable("task_runs")
      .addColumn("state_history", "text", (col) => col.notNull().defaultTo("[]"))
      .execute();
    await (types.dialect === "postgres"
      ? sql`update task_runs set state_history = moved.states
            from (select task_run_id, jsonb_agg(state order by seq)::text as states from task_run_states group by task_run_id) as moved
            where moved.task_run_id = task_runs.id`
      : sql`update task_runs set state_history = (
              select json_group_array(json(ordered.state)) from (select state from task_run_states where task_run_id = task_runs.id order by seq) as ordered)
            where id in (select task_run_id from task_run_states)`
    ).execute(db);
    await sql`delete from task_run_states`.execute(db);
  },
};
