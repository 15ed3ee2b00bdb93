/**
 * The database role every layer above `db` uses: a Kysely instance, the dialect's capability
 * flags, and one way to run a write transaction. Variants: SQLite (src/db/sqlite-database.ts)
 * and PostgreSQL (src/db/postgres-database.ts); `openDatabase(url)` picks one.
 */
import type { Kysely, RawBuilder, SqlBool } from "kysely";
import type { BulkWriter } from "./bulk-writer.js";
import type { NotificationChannel } from "./notification-channel.js";
import type { DatabaseSchema } from "./schema.js";

export { openDatabase } from "./open-database.js";

/** What a dialect can do; code branches on these, never on the dialect's name. */
export interface DatabaseCapabilities {
  /** `FOR UPDATE SKIP LOCKED` (claims by several workers without blocking). */
  supportsSkipLocked: boolean;
  /** `LISTEN/NOTIFY` wake-ups across processes. */
  supportsListenNotify: boolean;
  /** Session/transaction advisory locks (leader election). */
  supportsAdvisoryLocks: boolean;
  /** `SELECT … FOR UPDATE` row locks (SQLite instead locks the whole file in a write transaction). */
  supportsRowLocks: boolean;
  /** `WITH x AS (INSERT … RETURNING) INSERT …`: several writes in one atomic statement (one round trip). */
  supportsDataModifyingCte: boolean;
  /**
   * An index answers "the JSON array contains these values" (`tags @> …` with GIN). Without one,
   * flow-run tags are indexed in the `flow_run_tags` table (migration 006, kept by triggers).
   */
  supportsJsonContainmentIndex: boolean;
}

/** SQL fragments that differ between dialects. */
export interface DialectSql {
  /** True when the JSON array in `column` contains every one of `values` (strings). */
  jsonArrayContainsAll(column: string, values: readonly string[]): RawBuilder<SqlBool>;
  /** A JSON text parameter typed for a JSON column where no column type is inferred (INSERT … SELECT). */
  jsonValue(text: string): RawBuilder<string>;
  /** The key of the stored result the state JSON in `column` refers to, as indexed by migration 008 (src/db/stored-result-key.ts). */
  storedResultKey(column: string): RawBuilder<string | null>;
}

/** An open Weir database. */
export interface WeirDatabase {
  dialect: "sqlite" | "postgres";
  db: Kysely<DatabaseSchema>;
  capabilities: DatabaseCapabilities;
  sql: DialectSql;
  /** Raw multi-row writes for hot paths (use inside `writeTransaction`). */
  bulk: BulkWriter;
  /** Cross-process event channel; present when `capabilities.supportsListenNotify`. */
  notifications: NotificationChannel | null;
  /**
   * Run `fn` in a write transaction: `BEGIN IMMEDIATE` on SQLite (takes the write lock up front,
   * so read-modify-write never deadlocks between processes; waits up to the busy timeout), a
   * plain transaction on PostgreSQL (lock rows with `FOR UPDATE` when `supportsRowLocks`).
   */
  writeTransaction<T>(fn: (trx: Kysely<DatabaseSchema>) => Promise<T>): Promise<T>;
  /** Close connections. */
  close(): Promise<void>;
}
