/**
 * The hot-path writer for large batches (task runs): raw statements with no query-builder work
 * per row. SQLite runs one cached prepared statement per row (microseconds each, inside the
 * caller's write transaction on the same connection). PostgreSQL gets the whole batch as one
 * JSON parameter, unpacked by the server (`jsonb_array_elements`) into one insert: one statement
 * text for every batch, so it stays prepared, and one parameter instead of one per value, whose
 * client-side serialization and server-side parsing cost more than the JSON (a third less server
 * CPU per row, measured). JSON columns travel inside that parameter as they are, not re-escaped.
 * Lookups by id send the ids as one JSON array on both engines.
 */
import type { Database as SqliteConnection, Statement } from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";
import { markPrepared } from "./prepared-statements.js";
import type { DatabaseSchema } from "./schema.js";

/** A value a bulk statement accepts. */
export type BulkValue = string | number | null;

/**
 * How a column's values travel: `text`; `integer`; `json`: JSON text for a JSON column (jsonb on
 * PostgreSQL); `jsonText`: JSON text kept in a text column.
 */
export type BulkColumnType = "text" | "integer" | "json" | "jsonText";

/** What to do when a row's conflict columns already exist. */
export interface BulkConflict {
  columns: readonly string[];
  /** Columns to overwrite from the new row; null: keep the stored row. */
  update: readonly string[] | null;
}

/** The target of a bulk insert (identifiers are trusted constants of the caller). */
export interface BulkTable {
  table: string;
  columns: readonly string[];
  /** Columns not listed are `text`. */
  types?: Readonly<Record<string, BulkColumnType>>;
  conflict?: BulkConflict;
}

/** Raw, fast multi-row operations (identifiers are trusted constants of the caller). */
export interface BulkWriter {
  /**
   * Insert rows (each a value per column, in `columns` order), with an optional upsert. Rows are
   * consumed one at a time as they are written: a generator that makes each row when asked (and
   * may reuse one array) keeps no batch of rows alive, so a large batch leaves only young garbage.
   */
  insert(trx: Kysely<DatabaseSchema>, target: BulkTable, rows: Iterable<readonly BulkValue[]>): Promise<void>;
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
    async insert(_trx, { table, columns, conflict }, rows) {
      const statement = prepared(`insert into ${table} (${columns.join(", ")}) values (${columns.map(() => "?").join(", ")})${conflictClause(conflict)}`);
      for (const row of rows) statement.run(row);
    },
    async selectByIds<T>(_trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      if (ids.length === 0) return [];
      // One call for the batch: cheaper than one statement call per id.
      return prepared(`select ${columns.join(", ")} from ${table} where id in (select value from json_each(?))`).all(JSON.stringify(ids)) as T[];
    },
  };
}

// Rows and characters per PostgreSQL statement: bound the size of one JSON parameter (a jsonb
// value holds at most 255 MB; rows with long histories or error stacks can be large).
const POSTGRES_ROWS_PER_STATEMENT = 5000;
const POSTGRES_CHARS_PER_STATEMENT = 16_000_000;

/** The PostgreSQL statement that inserts a batch given as a JSON array of rows (arrays of values). */
function postgresInsertText({ table, columns, types = {}, conflict }: BulkTable): string {
  const values = columns.map((column, index) => {
    const type = types[column] ?? "text";
    if (type === "json") return `row->${index}`;
    if (type === "integer") return `(row->>${index})::bigint`;
    return `row->>${index}`;
  });
  return markPrepared(`insert into ${table} (${columns.join(", ")}) select ${values.join(", ")} from jsonb_array_elements(cast($1 as jsonb)) as row${conflictClause(conflict)}`);
}

/** One row as JSON: `json` and `jsonText` values are JSON already and go in as they are. */
function rowJson(row: readonly BulkValue[], isJson: readonly boolean[]): string {
  let text = "[";
  for (let index = 0; index < row.length; index += 1) {
    const value = row[index] ?? null;
    if (index > 0) text += ",";
    text += value === null ? "null" : isJson[index] ? String(value) : JSON.stringify(value);
  }
  return `${text}]`;
}

/** The PostgreSQL writer (a JSON parameter per batch, see the file header). */
export function createPostgresBulkWriter(): BulkWriter {
  const texts = new WeakMap<BulkTable, { text: string; isJson: boolean[] }>();
  return {
    async insert(trx, target, rows) {
      let statement = texts.get(target);
      if (statement === undefined) {
        const isJson = target.columns.map((column) => target.types?.[column] === "json" || target.types?.[column] === "jsonText");
        statement = { text: postgresInsertText(target), isJson };
        texts.set(target, statement);
      }
      let chunk: string[] = [];
      let chunkLength = 0;
      for (const row of rows) {
        const json = rowJson(row, statement.isJson);
        chunk.push(json);
        chunkLength += json.length;
        if (chunk.length < POSTGRES_ROWS_PER_STATEMENT && chunkLength < POSTGRES_CHARS_PER_STATEMENT) continue;
        await trx.executeQuery(CompiledQuery.raw(statement.text, [`[${chunk.join(",")}]`]));
        chunk = [];
        chunkLength = 0;
      }
      if (chunk.length > 0) await trx.executeQuery(CompiledQuery.raw(statement.text, [`[${chunk.join(",")}]`]));
    },
    async selectByIds<T>(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      if (ids.length === 0) return [];
      const text = markPrepared(`select ${columns.join(", ")} from ${table} where id in (select jsonb_array_elements_text(cast($1 as jsonb)))`);
      const result = await trx.executeQuery<T>(CompiledQuery.raw(text, [JSON.stringify(ids)]));
      return [...result.rows];
    },
  };
}
