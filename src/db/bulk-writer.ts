/**
 * The hot-path writer for large batches (task runs, their states, logs): raw statements with no
 * query-builder work per row. SQLite runs one cached prepared statement per row (microseconds
 * each, inside the caller's write transaction on the same connection); PostgreSQL sends one
 * multi-row statement per chunk.
 */
import type { Database as SqliteConnection, Statement } from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.js";

/** A value a bulk statement accepts. */
export type BulkValue = string | number | null;

/** What to do when a row's conflict columns already exist. */
export interface BulkConflict {
  columns: readonly string[];
  /** Columns to overwrite from the new row; null: keep the stored row. */
  update: readonly string[] | null;
}

/** Raw, fast multi-row operations (identifiers are trusted constants of the caller). */
export interface BulkWriter {
  /** Insert rows (each a value per column, in `columns` order), with an optional upsert. */
  insert(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], rows: BulkValue[][], conflict?: BulkConflict): Promise<void>;
  /** Rows of `table` whose `id` is one of `ids`, with the given columns. */
  selectByIds<T>(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]>;
}

function conflictClause(conflict: BulkConflict | undefined): string {
  if (!conflict) return "";
  const target = `on conflict (${conflict.columns.join(", ")})`;
  if (conflict.update === null || conflict.update.length === 0) return ` ${target} do nothing`;
  return ` ${target} do update set ${conflict.update.map((column) => `${column} = excluded.${column}`).join(", ")}`;
}

/** The SQLite writer over the raw connection (call only inside `writeTransaction`). */
export function createSqliteBulkWriter(connection: SqliteConnection): BulkWriter {
  const statements = new Map<string, Statement>();
  const prepared = (text: string): Statement => {
    let statement = statements.get(text);
    if (!statement) {
      statement = connection.prepare(text);
      statements.set(text, statement);
    }
    return statement;
  };
  return {
    async insert(_trx, table, columns, rows, conflict) {
      if (rows.length === 0) return;
      const statement = prepared(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})${conflictClause(conflict)}`);
      for (const row of rows) statement.run(row);
    },
    async selectByIds<T>(_trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      const statement = prepared(`select ${columns.join(", ")} from ${table} where id = ?`);
      const out: T[] = [];
      for (const id of ids) {
        const row = statement.get(id) as T | undefined;
        if (row !== undefined) out.push(row);
      }
      return out;
    },
  };
}

/** Rows per PostgreSQL statement: stays under its 65,535 parameters for any of our tables. */
const POSTGRES_CHUNK_PARAMETERS = 60_000;

/** The PostgreSQL writer (multi-row VALUES, `= any($1)` lookups). */
export function createPostgresBulkWriter(): BulkWriter {
  return {
    async insert(trx, table, columns, rows, conflict) {
      const perChunk = Math.max(1, Math.floor(POSTGRES_CHUNK_PARAMETERS / columns.length));
      const tail = conflictClause(conflict);
      for (let start = 0; start < rows.length; start += perChunk) {
        const chunk = rows.slice(start, start + perChunk);
        const parameters: BulkValue[] = [];
        const tuples = chunk.map((row) => {
          const placeholders = row.map((value) => {
            parameters.push(value);
            return `$${parameters.length}`;
          });
          return `(${placeholders.join(", ")})`;
        });
        await trx.executeQuery(CompiledQuery.raw(`insert into ${table} (${columns.join(", ")}) values ${tuples.join(", ")}${tail}`, parameters));
      }
    },
    async selectByIds<T>(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      if (ids.length === 0) return [];
      const result = await trx.executeQuery<T>(CompiledQuery.raw(`select ${columns.join(", ")} from ${table} where id = any($1::text[])`, [ids]));
      return [...result.rows];
    },
  };
}
