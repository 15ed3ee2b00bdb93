/**
 * The hot-path writer for large batches (task runs): raw statements with no query-builder work
 * per row. SQLite runs one cached prepared statement per row (microseconds each, inside the
 * caller's write transaction on the same connection). PostgreSQL gets the whole batch as one
 * JSON parameter, unpacked by the server (`jsonb_array_elements`) into one statement: one
 * statement text for every batch, so it stays prepared, and one parameter instead of one per
 * value, whose client-side serialization and server-side parsing cost more than the JSON (a third
 * less server CPU per row, measured). The rows (arrays of values) travel as one native
 * `JSON.stringify` per statement; text columns holding JSON travel as JSON strings, which the
 * server only unescapes (parsing them into the batch's jsonb and printing them back cost it
 * ~2 µs a row, measured).
 *
 * `insertNew` is the common case of a batch (rows never seen): on PostgreSQL one statement,
 * atomic on its own, so no transaction and one round trip instead of four, answering with one
 * row (how many were inserted) rather than one per row.
 * Lookups by id send the ids as one JSON array on both engines.
 */
import type { Database as SqliteConnection, Statement } from "better-sqlite3";
import { CompiledQuery, type Kysely } from "kysely";
import { toJsonText } from "./json-column.js";
import { markPrepared } from "./prepared-statements.js";
import type { DatabaseSchema } from "./schema.js";

/**
 * A value a bulk statement accepts: a string or number for `text` and `integer` columns (or
 * null); any JSON-serializable value for `json` columns (serialized by the writer).
 */
export type BulkValue = string | number | boolean | null | object;

/**
 * How a column's values travel: `text`; `integer`; `json`: a JS value stored as JSON (jsonb on
 * PostgreSQL, JSON text on SQLite).
 */
export type BulkColumnType = "text" | "integer" | "json";

/** The target of bulk writes (identifiers are trusted constants of the caller). */
export interface BulkTable {
  table: string;
  columns: readonly string[];
  /** Columns not listed are `text`. */
  types?: Readonly<Record<string, BulkColumnType>>;
  /** The unique `text` column rows are matched on (one of `columns`). */
  key: string;
  /** Columns `upsert` overwrites in a stored row. */
  updated: readonly string[];
}

/** Raw, fast multi-row operations (identifiers are trusted constants of the caller). */
export interface BulkWriter {
  /**
   * Whether these statements must run inside `writeTransaction` (SQLite's raw connection). When
   * false (PostgreSQL), `insertNew` may also run on its own: each statement is atomic.
   */
  readonly needsWriteTransaction: boolean;
  /**
   * Insert the rows (each a value per column, in `columns` order) whose key is not stored yet;
   * rows whose key is stored are left as they are. Resolves with the keys of those rows.
   */
  insertNew(runner: Kysely<DatabaseSchema>, target: BulkTable, rows: readonly (readonly BulkValue[])[]): Promise<string[]>;
  /** Insert the rows, overwriting the `updated` columns of stored rows with the same key. */
  upsert(trx: Kysely<DatabaseSchema>, target: BulkTable, rows: readonly (readonly BulkValue[])[]): Promise<void>;
  /** Rows of `table` whose `id` is one of `ids`, with the given columns. */
  selectByIds<T>(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]>;
}

function insertHead({ table, columns }: BulkTable): string {
  return `insert into ${table} (${columns.join(", ")})`;
}

function upsertClause({ key, updated }: BulkTable): string {
  return `on conflict (${key}) do update set ${updated.map((column) => `${column} = excluded.${column}`).join(", ")}`;
}

function keyIndex(target: BulkTable): number {
  const index = target.columns.indexOf(target.key);
  if (index === -1) throw new Error(`bulk table ${target.table}: key ${target.key} is not one of its columns`);
  return index;
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
  const shapes = new WeakMap<BulkTable, { insertNew: string; upsert: string; jsonColumns: number[]; key: number }>();
  const shapeOf = (target: BulkTable) => {
    let shape = shapes.get(target);
    if (shape === undefined) {
      const values = `values (${target.columns.map(() => "?").join(", ")})`;
      shape = {
        insertNew: `${insertHead(target)} ${values} on conflict (${target.key}) do nothing`,
        upsert: `${insertHead(target)} ${values} ${upsertClause(target)}`,
        jsonColumns: target.columns.flatMap((column, index) => (target.types?.[column] === "json" ? [index] : [])),
        key: keyIndex(target),
      };
      shapes.set(target, shape);
    }
    return shape;
  };
  // JSON columns are text here: serialized into one reused array per row.
  const bind = (row: readonly BulkValue[], jsonColumns: readonly number[], into: BulkValue[]): readonly BulkValue[] => {
    if (jsonColumns.length === 0) return row;
    for (let index = 0; index < row.length; index += 1) into[index] = row[index] ?? null;
    for (const index of jsonColumns) {
      const value = row[index];
      into[index] = value === null || value === undefined ? null : toJsonText(value);
    }
    return into;
  };
  return {
    needsWriteTransaction: true,
    async insertNew(_runner, target, rows) {
      const shape = shapeOf(target);
      const statement = prepared(shape.insertNew);
      const values: BulkValue[] = [];
      const stored: string[] = [];
      for (const row of rows) {
        if (statement.run(bind(row, shape.jsonColumns, values)).changes === 0) stored.push(row[shape.key] as string);
      }
      return stored;
    },
    async upsert(_trx, target, rows) {
      const shape = shapeOf(target);
      const statement = prepared(shape.upsert);
      const values: BulkValue[] = [];
      for (const row of rows) statement.run(bind(row, shape.jsonColumns, values));
    },
    async selectByIds<T>(_trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      if (ids.length === 0) return [];
      // One call for the batch: cheaper than one statement call per id.
      return prepared(`select ${columns.join(", ")} from ${table} where id in (select value from json_each(?))`).all(toJsonText(ids)) as T[];
    },
  };
}

// Rows and characters per PostgreSQL statement: bound the size of one JSON parameter (a jsonb
// value holds at most 255 MB; rows with long histories or error stacks can be large).
const POSTGRES_ROWS_PER_STATEMENT = 5000;
const POSTGRES_CHARS_PER_STATEMENT = 16_000_000;

/** The PostgreSQL `insert … select` of a batch given as a JSON array of rows (arrays of values). */
function postgresInsertSelect(target: BulkTable): string {
  const values = target.columns.map((column, index) => {
    const type = target.types?.[column] ?? "text";
    if (type === "json") return `row->${index}`;
    if (type === "integer") return `(row->>${index})::bigint`;
    return `row->>${index}`;
  });
  return `${insertHead(target)} select ${values.join(", ")} from jsonb_array_elements(cast($1 as jsonb)) as row`;
}

/**
 * The batch as JSON parameters of at most POSTGRES_ROWS/CHARS_PER_STATEMENT: one native
 * `JSON.stringify` per statement (no string per row, so a batch leaves little garbage), halved
 * when it comes out too long.
 */
function* jsonChunks(rows: readonly (readonly BulkValue[])[], start = 0, end = rows.length): Generator<{ json: string; start: number; end: number }> {
  for (let from = start; from < end; from += POSTGRES_ROWS_PER_STATEMENT) {
    const to = Math.min(end, from + POSTGRES_ROWS_PER_STATEMENT);
    const json = toJsonText(from === 0 && to === rows.length ? rows : rows.slice(from, to));
    if (json.length <= POSTGRES_CHARS_PER_STATEMENT || to - from === 1) yield { json, start: from, end: to };
    else {
      const middle = from + Math.ceil((to - from) / 2);
      yield* jsonChunks(rows, from, middle);
      yield* jsonChunks(rows, middle, to);
    }
  }
}

/** The PostgreSQL writer (a JSON parameter per batch, see the file header). */
export function createPostgresBulkWriter(): BulkWriter {
  const shapes = new WeakMap<BulkTable, { insertNew: string; upsert: string; key: number }>();
  const shapeOf = (target: BulkTable) => {
    let shape = shapes.get(target);
    if (shape === undefined) {
      const insert = postgresInsertSelect(target);
      // One row back: the count inserted, and their keys only when some rows were stored already.
      const insertNew = `with inserted as (${insert} on conflict (${target.key}) do nothing returning ${target.key})
        select count(*)::int as count, case when count(*) < $2 then array_agg(${target.key}) end as keys from inserted`;
      shape = { insertNew: markPrepared(insertNew), upsert: markPrepared(`${insert} ${upsertClause(target)}`), key: keyIndex(target) };
      shapes.set(target, shape);
    }
    return shape;
  };
  return {
    needsWriteTransaction: false,
    async insertNew(runner, target, rows) {
      const shape = shapeOf(target);
      const stored: string[] = [];
      for (const chunk of jsonChunks(rows)) {
        const size = chunk.end - chunk.start;
        const result = await runner.executeQuery<{ count: number; keys: string[] | null }>(CompiledQuery.raw(shape.insertNew, [chunk.json, size]));
        const { count, keys } = result.rows[0]!;
        if (count === size) continue;
        const inserted = new Set(keys);
        for (let index = chunk.start; index < chunk.end; index += 1) {
          const key = rows[index]![shape.key] as string;
          if (!inserted.has(key)) stored.push(key);
        }
      }
      return stored;
    },
    async upsert(trx, target, rows) {
      const shape = shapeOf(target);
      for (const chunk of jsonChunks(rows)) await trx.executeQuery(CompiledQuery.raw(shape.upsert, [chunk.json]));
    },
    async selectByIds<T>(trx: Kysely<DatabaseSchema>, table: string, columns: readonly string[], ids: readonly string[]): Promise<T[]> {
      if (ids.length === 0) return [];
      const text = markPrepared(`select ${columns.join(", ")} from ${table} where id in (select jsonb_array_elements_text(cast($1 as jsonb)))`);
      const result = await trx.executeQuery<T>(CompiledQuery.raw(text, [toJsonText(ids)]));
      return [...result.rows];
    },
  };
}
