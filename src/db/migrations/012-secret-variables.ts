/**
 * 012: secret variables. `is_secret` marks one; its value is then kept only in `secret_value`,
 * encrypted (src/orchestration/secret-cipher.ts), and `value` holds JSON null.
 */
import type { Migration } from "../migration.js";

/** Migration 012. */
export const secretVariables: Migration = {
  name: "012-secret-variables",
  async up(db) {
    await db.schema
      .alterTable("variables")
      .addColumn("is_secret", "integer", (col) => col.notNull().defaultTo(0))
      .execute();
    await db.schema.alterTable("variables").addColumn("secret_value", "text").execute();
  },
};
