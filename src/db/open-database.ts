/**
 * Open a Weir database from its URL and bring its schema up to date:
 * `sqlite:///abs/path.db` (or `sqlite://relative.db`, `sqlite://:memory:`) or
 * `postgres://user@host:port/db[?schema=NAME]` (`postgresql://` too).
 */
import { resolve } from "node:path";
import { WeirError } from "../core/weir-error.js";
import { runMigrations } from "./run-migrations.js";
import { openPostgresDatabase } from "./postgres-database.js";
import { openSqliteDatabase } from "./sqlite-database.js";
import type { WeirDatabase } from "./weir-database.js";

/** Options for opening a database. */
export interface OpenDatabaseOptions {
  /** Run pending migrations on open. @default true */
  migrate?: boolean;
}

/** Open the database at `url`, running pending migrations (under a lock) unless told not to. */
export async function openDatabase(url: string, options: OpenDatabaseOptions = {}): Promise<WeirDatabase> {
  const database = openDatabaseWithoutMigrating(url);
  if (options.migrate === false) return database;
  try {
    await runMigrations(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  return database;
}

function openDatabaseWithoutMigrating(url: string): WeirDatabase {
  if (url.startsWith("sqlite://")) {
    const rest = decodeURIComponent(url.slice("sqlite://".length));
    if (rest === "") throw new WeirError("BAD_REQUEST", `database URL '${url}' has no file path`);
    return openSqliteDatabase(rest === ":memory:" ? rest : resolve(rest));
  }
  if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
    try {
      return openPostgresDatabase(url);
    } catch (error) {
      throw new WeirError("BAD_REQUEST", `invalid database URL: ${(error as Error).message}`, { cause: error });
    }
  }
  throw new WeirError(
    "BAD_REQUEST",
    `unsupported database URL '${url.replace(/\/\/[^@/]*@/, "//***@")}': use sqlite:///path/file.db or postgres://…`,
  );
}
