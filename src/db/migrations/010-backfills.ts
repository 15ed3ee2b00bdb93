/**
 * 010: backfills (issue 15): one row per distinct backfill request of a deployment, so the
 * dashboard can list a deployment's backfills and show their progress. The runs themselves are
 * ordinary slot runs (unique deployment + idempotency key, 001). `request_key` is a hash of the
 * range and parameters: the same request again finds the same row. Rows go with their deployment.
 */
import type { Migration } from "../migration.js";

/** Migration 010. */
export const backfills: Migration = {
  name: "010-backfills",
  async up(db, types) {
    await db.schema
      .createTable("backfills")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("deployment_id", "text", (col) => col.notNull().references("deployments.id").onDelete("cascade"))
      .addColumn("start_time", "text", (col) => col.notNull())
      .addColumn("end_time", "text", (col) => col.notNull())
      .addColumn("parameters", types.json, (col) => col.notNull())
      .addColumn("request_key", "text", (col) => col.notNull())
      .addColumn("slot_count", "integer", (col) => col.notNull())
      .addColumn("created_at", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("backfills_request_idx").on("backfills").columns(["deployment_id", "request_key"]).unique().execute();
    await db.schema.createIndex("backfills_deployment_idx").on("backfills").columns(["deployment_id", "created_at"]).execute();
  },
};
