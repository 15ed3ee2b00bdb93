/**
 * 018: the task queue (issue 16). One row per attempt of a task run placed on a task queue
 * (`task({ taskQueue })`): the module and task name a task worker imports to run it, its JSON
 * arguments, its state (`queued` → `running` (claimed, with a lease) → `completed` | `failed`),
 * and its outcome as JSON. `owner` is the dispatcher (one per calling process) that reads the
 * outcome back and then deletes the row. A `running` row whose lease expired is claimable again.
 */
import type { Migration } from "../migration.js";

/** Migration 018. */
export const taskQueue: Migration = {
  name: "018-task-queue",
  async up(db) {
    await db.schema
      .createTable("task_queue_items")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("queue", "text", (col) => col.notNull())
      .addColumn("owner", "text", (col) => col.notNull())
      .addColumn("task_run_id", "text", (col) => col.notNull())
      .addColumn("flow_run_id", "text")
      .addColumn("module", "text", (col) => col.notNull())
      .addColumn("task_name", "text", (col) => col.notNull())
      .addColumn("args", "text", (col) => col.notNull())
      .addColumn("attempt", "integer", (col) => col.notNull())
      .addColumn("timeout_ms", "integer")
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("claimed_by", "text")
      .addColumn("lease_expires_at", "text")
      .addColumn("claims", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("outcome", "text")
      .addColumn("created_at", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("task_queue_items_claim_idx").on("task_queue_items").columns(["queue", "status", "id"]).execute();
    await db.schema.createIndex("task_queue_items_owner_idx").on("task_queue_items").columns(["owner", "status"]).execute();
  },
};
