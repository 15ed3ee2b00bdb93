/**
 * 017: code that travels (src/worker/code-pull.ts). A deployment names where workers get its
 * code (`pull`, JSON: git repository and ref, or bundle hash; null reads it in place at `path`),
 * and a run records the code version its worker ran (`code_version`: `git:<sha>` or
 * `bundle:<sha256>`).
 */
import type { Migration } from "../migration.js";

/** Migration 017. */
export const codePull: Migration = {
  name: "017-code-pull",
  async up(db) {
    await db.schema.alterTable("deployments").addColumn("pull", "text").execute();
    await db.schema.alterTable("flow_runs").addColumn("code_version", "text").execute();
  },
};
