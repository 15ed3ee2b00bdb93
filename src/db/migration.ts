/**
 * A versioned schema change. Migrations live in src/db/migrations/NNN-name.ts, are listed in
 * src/db/migrations/migration-list.ts, run in name order inside one locked write transaction
 * (src/db/run-migrations.ts) and are recorded in `weir_migrations`.
 */
import type { ColumnDataType, Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.js";

/** Dialect-dependent column types a migration needs. */
export interface MigrationTypes {
  dialect: "sqlite" | "postgres";
  /** jsonb on PostgreSQL, text on SQLite. */
  json: ColumnDataType;
  /** bigint on PostgreSQL, integer on SQLite. */
  bigint: ColumnDataType;
}

/** One schema change. */
export interface Migration {
  /** `NNN-name`, unique; the order of application. */
  name: string;
  up(db: Kysely<DatabaseSchema>, types: MigrationTypes): Promise<void>;
}
