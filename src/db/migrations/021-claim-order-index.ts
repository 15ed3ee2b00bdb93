/**
 * 021: a work queue's due runs in claim order. Claims read them by pool, queue and state type,
 * ordered by due time then id (src/orchestration/claim-candidates.ts); the old index stopped at
 * the due time, so every claim sorted all the queue's due runs by id (runs created together share
 * a due time). With the id in the index, a claim reads only the runs it takes: with 300 queued
 * runs on SQLite 360 µs → 98 µs per claim query, growing with the queue before (issue 16).
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

/** Migration 021. */
export const claimOrderIndex: Migration = {
  name: "021-claim-order-index",
  async up(db) {
    await sql`drop index if exists flow_runs_queue_idx`.execute(db);
    await db.schema.createIndex("flow_runs_queue_idx").on("flow_runs").columns(["work_pool_name", "work_queue_name", "state_type", "next_scheduled_start_time", "id"]).execute();
  },
};
