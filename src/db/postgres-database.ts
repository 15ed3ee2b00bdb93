/**
 * The PostgreSQL variant of WeirDatabase (pg Pool). A `?schema=NAME` URL parameter becomes the
 * connections' search_path (tests get a fresh schema each). jsonb comes back as JSON text and
 * int8 as a number, so rows look the same as SQLite's.
 */
import pg from "pg";
import { Kysely, PostgresDialect, sql } from "kysely";
import { createPostgresBulkWriter } from "./bulk-writer.js";
import { joinNestedTransactions } from "./nested-transactions.js";
import { createPostgresNotificationChannel } from "./notification-channel.js";
import type { DatabaseSchema } from "./schema.js";
import type { WeirDatabase } from "./weir-database.js";

const JSON_OID = 114;
const JSONB_OID = 3802;
const INT8_OID = 20;

/** Options of the PostgreSQL pool. */
export interface PostgresDatabaseOptions {
  /** Pool size. @default 10 */
  maxConnections?: number;
}

const typeParsers = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    if (oid === JSON_OID || oid === JSONB_OID) return (value: string) => value;
    if (oid === INT8_OID) return (value: string) => Number(value);
    return format === "binary" ? pg.types.getTypeParser(oid, "binary") : pg.types.getTypeParser(oid);
  }) as typeof pg.types.getTypeParser,
};

/** Open a pool on a `postgres://` URL (optionally with `?schema=NAME`). */
export function openPostgresDatabase(url: string, options: PostgresDatabaseOptions = {}): WeirDatabase {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema");
  parsed.searchParams.delete("schema");
  if (schema !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema)) {
    throw new Error(`invalid schema name '${schema}' in database URL`);
  }
  const connection: pg.ClientConfig = {
    connectionString: parsed.toString(),
    types: typeParsers,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  };
  // allowExitOnIdle: a script that forgets to close its client still exits once idle.
  const pool = new pg.Pool({ ...connection, max: options.maxConnections ?? 10, allowExitOnIdle: true });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on("error", () => {});
  const db = new Kysely<DatabaseSchema>({ dialect: new PostgresDialect({ pool }) });
  return {
    dialect: "postgres",
    db,
    capabilities: {
      supportsSkipLocked: true,
      supportsListenNotify: true,
      supportsAdvisoryLocks: true,
      supportsRowLocks: true,
      supportsDataModifyingCte: true,
    },
    sql: {
      jsonArrayContainsAll: (column, values) => sql<boolean>`${sql.ref(column)} @> ${JSON.stringify(values)}::jsonb`,
      jsonValue: (text) => sql<string>`cast(${text} as jsonb)`,
    },
    bulk: createPostgresBulkWriter(),
    notifications: createPostgresNotificationChannel(pool, connection, `weir_events${schema ? `_${schema}` : ""}`.toLowerCase()),
    writeTransaction: joinNestedTransactions((fn) => db.transaction().execute(fn)),
    close: () => db.destroy(),
  };
}
