/**
 * 016: deployment versions (issue 15, item 4). `deployment_versions` holds one row per change of
 * a deployment's spec (version 1..n per deployment): who and when, the spec as it became, the
 * entrypoint file's sha256 as the applying client saw it, and the names of the fields that
 * changed. `deployments.version_number` is the current version; `flow_runs.deployment_version`
 * the version a run of a deployment ran (null for runs made before any version was recorded).
 * Rows go with their deployment.
 */
import type { Migration } from "../migration.js";

/** Migration 016. */
export const deploymentVersions: Migration = {
  name: "016-deployment-versions",
  async up(db, types) {
    await db.schema
      .createTable("deployment_versions")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("deployment_id", "text", (col) => col.notNull().references("deployments.id").onDelete("cascade"))
      .addColumn("version", "integer", (col) => col.notNull())
      .addColumn("author", "text", (col) => col.notNull())
      .addColumn("spec", types.json, (col) => col.notNull())
      .addColumn("entrypoint_hash", "text")
      .addColumn("changed_fields", types.json, (col) => col.notNull())
      .addColumn("rolled_back_from", "integer")
      .addColumn("created_at", "text", (col) => col.notNull())
      .execute();
    await db.schema.createIndex("deployment_versions_number_idx").on("deployment_versions").columns(["deployment_id", "version"]).unique().execute();
    await db.schema.alterTable("deployments").addColumn("version_number", "integer").execute();
    await db.schema.alterTable("flow_runs").addColumn("deployment_version", "integer").execute();
  },
};
