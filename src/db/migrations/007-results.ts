/**
 * 007: the `server` result store (DESIGN §10): results written through the API, one row per key,
 * the serialized bytes as a blob (bytea on PostgreSQL), so any bytes round-trip unchanged.
 */
import type { Migration } from "../migration.js";

/** Migration 007. */
export const results: Migration = {
  name: "007-results",
  async up(db, types) {
    await db.schema
      .createTable("results")
      .addColumn("key", "text", (col) => col.primaryKey())
      .addColumn("data", types.dialect === "postgres" ? "bytea" : "blob", (col) => col.notNull())
      .addColumn("size_bytes", types.bigint, (col) => col.notNull())
      .addColumn("created_at", "text", (col) => col.notNull())
      .execute();
  },
};
