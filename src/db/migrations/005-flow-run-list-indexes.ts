/**
 * 005: indexes for the runs list (bench/list-runs.ts, DESIGN §8: 1,000,000 runs, p95 ≤ 100 ms).
 *
 * The list's sorts and its state / flow / deployment filters already had ordered indexes (001),
 * and flow-run-list-query.ts shapes the query so that they are walked in order. Two requests of
 * the dashboard had none:
 *
 * - the home page's recent failures (`stateType=FAILED,CRASHED&sort=CREATED_DESC`): SQLite read
 *   every failed run and sorted them (0.33 s at 1,000,000 runs). `(state_type, created_at, id)`
 *   gives each state its own ordered range, which the list query merges;
 * - the tag filter (`tags @> '["x"]'`) on PostgreSQL: a tag few runs carry meant reading the
 *   whole table (0.6 s), for the list and its count. A GIN index with `jsonb_path_ops` (the
 *   smaller kind, which answers exactly `@>`) lets the planner fetch that tag's runs and sort
 *   them, and still walk the time index for a common tag. SQLite stores tags as JSON text and
 *   cannot index into an array: migration 006 gives it a `flow_run_tags` table instead.
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

/** Migration 005. */
export const flowRunListIndexes: Migration = {
  name: "005-flow-run-list-indexes",
  async up(db, types) {
    await db.schema.createIndex("flow_runs_state_type_created_idx").ifNotExists().on("flow_runs").columns(["state_type", "created_at", "id"]).execute();
    if (types.dialect === "postgres") {
      await sql`create index if not exists flow_runs_tags_idx on flow_runs using gin (tags jsonb_path_ops)`.execute(db);
    }
  },
};
