/**
 * 002: deployments remember their flow's retry policy (`retry_policy`, JSON, nullable), so runs
 * created from a deployment (by a schedule, the CLI or the UI) carry it: a run crashed with a
 * worker is then retried as its flow asks, before any process of that flow has started.
 */
import type { Migration } from "../migration.js";

/** Migration 002. */
export const deploymentsRetryPolicy: Migration = {
  name: "002-deployments-retry-policy",
  async up(db, types) {
    await db.schema.alterTable("deployments").addColumn("retry_policy", types.json).execute();
  },
};
