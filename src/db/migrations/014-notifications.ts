/**
 * 014: the notification outbox (issue 14): one row per notification to send, written in the
 * same transaction as what caused it and sent by the notification-delivery service. `action`
 * holds the action with its secrets redacted (what the API shows); `sealed_action` the whole
 * action encrypted under the server key (src/orchestration/secret-cipher.ts), or null when it
 * has no secret field. `claimed_until` is the end of a `sending` claim. No foreign key to
 * automations: a delivery outlives the automation that sent it.
 */
import type { Migration } from "../migration.js";

/** Migration 014. */
export const notifications: Migration = {
  name: "014-notifications",
  async up(db, types) {
    await db.schema
      .createTable("notification_deliveries")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("automation_id", "text")
      .addColumn("action_type", "text", (col) => col.notNull())
      .addColumn("target", "text", (col) => col.notNull())
      .addColumn("action", types.json, (col) => col.notNull())
      .addColumn("sealed_action", "text")
      .addColumn("message", types.json, (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull())
      .addColumn("attempts", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("max_attempts", "integer", (col) => col.notNull())
      .addColumn("next_attempt_at", "text")
      .addColumn("claimed_until", "text")
      .addColumn("last_error", "text")
      .addColumn("created_at", "text", (col) => col.notNull())
      .addColumn("updated_at", "text", (col) => col.notNull())
      .addColumn("sent_at", "text")
      .execute();
    // The claim: due pending rows, and `sending` rows whose claim ran out.
    await db.schema.createIndex("notification_deliveries_due_idx").on("notification_deliveries").columns(["status", "next_attempt_at"]).execute();
    await db.schema.createIndex("notification_deliveries_created_idx").on("notification_deliveries").columns(["created_at", "id"]).execute();
    await db.schema.createIndex("notification_deliveries_automation_idx").on("notification_deliveries").columns(["automation_id", "created_at"]).execute();
  },
};
