/**
 * 022: a queued task's timeout in ms as a bigint on PostgreSQL. Migration 018 made it an
 * `integer`, which PostgreSQL stores in 4 bytes: a task with a timeout longer than ~24.8 days
 * (2^31 - 1 ms) could not be enqueued there ("value out of range"). SQLite's integers already
 * hold 8 bytes.
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

/** Migration 022. */
export const taskQueueTimeoutBigint: Migration = {
  name: "022-task-queue-timeout-bigint",
  async up(db, types) {
    if (types.dialect !== "postgres") return;
    await sql`alter table task_queue_items alter column timeout_ms type bigint`.execute(db);
  },
};
