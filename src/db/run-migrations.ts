/**
 * Bring a database's schema up to date: one write transaction (BEGIN IMMEDIATE on SQLite, a
 * transaction-scoped advisory lock per schema on PostgreSQL), so concurrent openers apply each
 * migration exactly once; applied names are recorded in `weir_migrations`.
 */
import { sql } from "kysely";
import type { Migration, MigrationTypes } from "./migration.js";
import { MIGRATIONS } from "./migrations/migration-list.js";
import type { WeirDatabase } from "./weir-database.js";

/** Apply every migration not yet recorded; returns the names applied now. */
export async function runMigrations(database: WeirDatabase, migrations: readonly Migration[] = MIGRATIONS): Promise<string[]> {
  const types: MigrationTypes = {
    dialect: database.dialect,
    json: database.dialect === "postgres" ? "jsonb" : "text",
    bigint: database.dialect === "postgres" ? "bigint" : "integer",
  };
  return database.writeTransaction(async (trx) => {
    if (database.capabilities.supportsAdvisoryLocks) {
      await sql`select pg_advisory_xact_lock(hashtext(current_schema() || '.weir_migrations'))`.execute(trx);
    }
    await trx.schema
      .createTable("weir_migrations")
      .ifNotExists()
      .addColumn("name", "text", (col) => col.primaryKey())
      .addColumn("applied_at", "text", (col) => col.notNull())
      .execute();
    const applied = new Set((await trx.selectFrom("weir_migrations").select("name").execute()).map((row) => row.name));
    const appliedNow: string[] = [];
    for (const migration of [...migrations].sort((a, b) => a.name.localeCompare(b.name))) {
      if (applied.has(migration.name)) continue;
      await migration.up(trx, types);
      await trx.insertInto("weir_migrations").values({ name: migration.name, applied_at: new Date().toISOString() }).execute();
      appliedNow.push(migration.name);
    }
    return appliedNow;
  });
}
