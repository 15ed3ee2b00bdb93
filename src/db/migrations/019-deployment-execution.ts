/**
 * 019: deployments say how workers execute their runs (`execution`: process, pooled or inline;
 * null, the default, leaves it to the worker's `--execution`). See src/worker/start-worker.ts.
 */
import type { Migration } from "../migration.js";

/** Migration 019. */
export const deploymentExecution: Migration = {
  name: "019-deployment-execution",
  async up(db) {
    await db.schema.alterTable("deployments").addColumn("execution", "text").execute();
  },
};
