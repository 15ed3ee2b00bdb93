/**
 * 009: scheduling policies (DESIGN §10, src/core/schedules/schedule-policies.ts). Deployments
 * carry `catchup` (default `skip`), `catchup_window_seconds` (null) and `overlap` (default
 * `allow`); each schedule may override them (null: the deployment's). `scheduler_checkpoints`
 * remembers when a scheduler pass last ran, so the next pass knows which slots came due while
 * no scheduler ran (src/orchestration/maintenance/catch-up-missed-slots.ts).
 */
import type { Migration } from "../migration.js";

/** Migration 009. */
export const schedulePolicies: Migration = {
  name: "009-schedule-policies",
  async up(db) {
    await db.schema.alterTable("deployments").addColumn("catchup", "text", (col) => col.notNull().defaultTo("skip")).execute();
    await db.schema.alterTable("deployments").addColumn("catchup_window_seconds", "bigint").execute();
    await db.schema.alterTable("deployments").addColumn("overlap", "text", (col) => col.notNull().defaultTo("allow")).execute();
    await db.schema.alterTable("deployment_schedules").addColumn("catchup", "text").execute();
    await db.schema.alterTable("deployment_schedules").addColumn("catchup_window_seconds", "bigint").execute();
    await db.schema.alterTable("deployment_schedules").addColumn("overlap", "text").execute();
    await db.schema
      .createTable("scheduler_checkpoints")
      .addColumn("name", "text", (col) => col.primaryKey())
      .addColumn("passed_at", "text", (col) => col.notNull())
      .execute();
  },
};
