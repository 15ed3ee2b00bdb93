/**
 * The SQLite variant of WeirDatabase (better-sqlite3): WAL journal, 10 s busy timeout,
 * synchronous=NORMAL, foreign keys on, temporary files in memory; write transactions start with
 * `BEGIN IMMEDIATE` so that several processes sharing one file queue for the write lock instead
 * of failing with "database is locked".
 */
import { closeSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { Kysely, SqliteDialect, sql, type SqliteDatabase } from "kysely";
import { createSqliteBulkWriter } from "./bulk-writer.js";
import { joinNestedTransactions } from "./nested-transactions.js";
import { storedResultKeySql } from "./stored-result-key.js";
import { storableParameters } from "./storable-text.js";
import type { DatabaseSchema } from "./schema.js";
import type { WeirDatabase } from "./weir-database.js";

/** How long a connection waits for another process's write lock, in milliseconds. */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

/**
 * Create the database file (and the folders missing on its way) for its owner only: runs hold
 * parameters, results and logs. The file is made 0600 before SQLite opens it, and SQLite gives
 * its -wal and -shm files the mode of the database file. Folders are made 0700; an existing
 * folder or file (one the user made, or shares on purpose) keeps its mode.
 */
function createPrivately(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  // "a": create when missing, never truncate an existing database.
  closeSync(openSync(path, "a", 0o600));
}

/**
 * Bind every string parameter of `connection`'s statements storable (U+0000 as U+FFFD, as on
 * PostgreSQL; src/db/storable-text.ts), so both engines store the same text.
 */
function bindStorableParameters(connection: Database.Database): void {
  const prepare = connection.prepare.bind(connection);
  connection.prepare = ((source: string) => {
    const statement = prepare(source);
    for (const method of ["run", "get", "all", "iterate"] as const) {
      const call = statement[method] as (...values: unknown[]) => unknown;
      (statement as unknown as Record<string, unknown>)[method] = (...values: unknown[]) => call.apply(statement, storableParameters(values));
    }
    return statement;
  }) as typeof connection.prepare;
}

/** WAL pages written before a commit checkpoints (see openSqliteDatabase). */
const WAL_AUTOCHECKPOINT_PAGES = 10_000;

/** Statements kept prepared per connection (distinct statement texts; the least recent goes first). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The connection as Kysely sees it, with its statements kept prepared by text: Kysely prepares
 * every query it runs, and preparing was a tenth of the server's CPU per run (issue 16). A
 * statement still busy (an iterator not finished) is not shared: that call prepares its own.
 */
function cachingStatements(connection: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  const prepare = (source: string): Database.Statement => {
    const cached = cache.get(source);
    if (cached !== undefined && !cached.busy) {
      // Most recent last, so the first key is the least recently used.
      cache.delete(source);
      cache.set(source, cached);
      return cached;
    }
    const statement = connection.prepare(source);
    if (cached === undefined) {
      cache.set(source, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    }
    return statement;
  };
  return {
    prepare,
    close: () => {
      cache.clear();
      connection.close();
    },
  };
}

/** Open (creating if needed) the SQLite file at `path` (`:memory:` for a private in-memory database). */
export function openSqliteDatabase(path: string): WeirDatabase {
  if (path !== ":memory:") createPrivately(path);
  const connection = new Database(path);
  bindStorableParameters(connection);
  connection.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
  connection.pragma("journal_mode = WAL");
  connection.pragma("synchronous = NORMAL");
  // A checkpoint (moving the WAL into the database file, with an fsync) blocks the commit that
  // triggers it, and with it the server's event loop: every 10,000 pages (~40 MB of WAL) instead
  // of SQLite's 1,000 halves a busy server's commit time (issue 16, bench/RESULTS.md).
  connection.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  connection.pragma("foreign_keys = ON");
  // A statement that may fire a trigger keeps a statement journal (to undo itself alone on
  // error); in a temp file that costs an insert into flow_runs ~40 µs of system calls, in memory ~5.
  connection.pragma("temp_store = MEMORY");
  const db = new Kysely<DatabaseSchema>({ dialect: new SqliteDialect({ database: cachingStatements(connection) }) });
  return {
    dialect: "sqlite",
    db,
    capabilities: {
      supportsSkipLocked: false,
      supportsListenNotify: false,
      supportsAdvisoryLocks: false,
      supportsRowLocks: false,
      supportsDataModifyingCte: false,
      supportsJsonContainmentIndex: false,
    },
    sql: {
      jsonArrayContainsAll: (column, values) =>
        sql<boolean>`(select count(distinct value) from json_each(${sql.ref(column)}) where value in (${sql.join(
          values.map((value) => sql`${value}`),
        )})) = ${new Set(values).size}`,
      jsonValue: (text) => sql<string>`${text}`,
      storedResultKey: (column) => storedResultKeySql("sqlite", column),
    },
    bulk: createSqliteBulkWriter(connection),
    notifications: null,
    writeTransaction: joinNestedTransactions((fn) =>
      db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await fn(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          if (connection.inTransaction) await sql`rollback`.execute(conn);
          throw error;
        }
      }),
    ),
    close: () => db.destroy(),
  };
}
