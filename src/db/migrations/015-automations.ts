/**
 * 015: automations (issue 14). `automations` holds each automation's trigger and actions (JSON,
 * canonical form of src/core/automations/automation-spec.ts), whether it is enabled, and what its
 * trigger remembers between evaluations: `trigger_state` (TriggerState JSON) and `event_cursor`
 * (the last stored event it has seen). `automation_firings` records each firing once: unique by
 * automation + firing key, so two servers (or a retried tick) that decide the same firing record
 * one row. `status` is `pending` until its actions ran. Both go with their automation; an
 * automation declared under a weir.yaml deployment's `triggers:` goes with that deployment.
 */
import type { Migration } from "../migration.js";

/** Migration 015. */
export const automations: Migration = {
  name: "015-automations",
  async up(db, types) {
    await db.schema
      .createTable("automations")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull().unique())
      .addColumn("description", "text")
      .addColumn("is_enabled", "integer", (col) => col.notNull().defaultTo(1))
      .addColumn("trigger_spec", types.json, (col) => col.notNull())
      .addColumn("actions", types.json, (col) => col.notNull())
      .addColumn("deployment_id", "text", (col) => col.references("deployments.id").onDelete("cascade"))
      .addColumn("trigger_state", types.json, (col) => col.notNull())
      .addColumn("event_cursor", "text")
      .addColumn("created_at", "text", (col) => col.notNull())
      .addColumn("updated_at", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("automations_deployment_idx").on("automations").column("deployment_id").execute();
    await db.schema
      .createTable("automation_firings")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("automation_id", "text", (col) => col.notNull().references("automations.id").onDelete("cascade"))
      .addColumn("firing_key", "text", (col) => col.notNull())
      .addColumn("fired_at", "text", (col) => col.notNull())
      .addColumn("reason", "text", (col) => col.notNull())
      .addColumn("event_id", "text")
      .addColumn("event_name", "text")
      .addColumn("flow_run_id", "text")
      .addColumn("event", types.json)
      .addColumn("actions", types.json, (col) => col.notNull())
      .addColumn("status", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("automation_firings_key_idx").on("automation_firings").columns(["automation_id", "firing_key"]).unique().execute();
    await db.schema.createIndex("automation_firings_time_idx").on("automation_firings").columns(["automation_id", "fired_at"]).execute();
    await db.schema.createIndex("automation_firings_status_idx").on("automation_firings").columns(["status", "fired_at"]).execute();
  },
};
