/**
 * The pipeline's data engine: a short-lived in-memory DuckDB per task, reading and writing
 * Parquet files, so every step is a few SQL statements and nothing is held in JS memory.
 */
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

/** A row as DuckDB returns it in JSON form (BIGINT counts arrive as strings). */
export type SqlRow = Record<string, unknown>;

/** A DuckDB session scoped to one task. */
export interface DuckDbSession {
  /** Run statements that return nothing of interest. */
  run(sql: string): Promise<void>;
  /** Run a query and return its rows as JSON-friendly objects. */
  rows(sql: string): Promise<SqlRow[]>;
  /** Run a query that returns one row. */
  row(sql: string): Promise<SqlRow>;
  /** Column names and DuckDB types of a relation (table, view or `read_parquet(...)`). */
  describe(relation: string): Promise<ColumnInfo[]>;
}

/** A column of a relation. */
export interface ColumnInfo {
  name: string;
  type: string;
}

/** Open an in-memory DuckDB, run `fn` with it, and always close it. */
export async function withDuckDb<T>(fn: (session: DuckDbSession) => Promise<T>): Promise<T> {
  // One thread keeps row order and Parquet bytes identical between runs (same seed, same output).
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection: DuckDBConnection = await instance.connect();
  const session: DuckDbSession = {
    run: async (sql) => {
      await connection.run(sql);
    },
    rows: async (sql) => (await connection.runAndReadAll(sql)).getRowObjectsJson(),
    row: async (sql) => {
      const [first] = (await connection.runAndReadAll(sql)).getRowObjectsJson() as SqlRow[];
      if (first === undefined) throw new Error(`query returned no row: ${sql}`);
      return first;
    },
    describe: async (relation) => {
      const described = (await connection.runAndReadAll(`DESCRIBE SELECT * FROM ${relation}`)).getRowObjectsJson();
      return described.map((row) => ({ name: String(row.column_name), type: String(row.column_type) }));
    },
  };
  try {
    return await fn(session);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Quote an identifier for SQL (`"name"`). */
export function sqlIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a string literal for SQL (`'value'`). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** A `read_parquet('path')` relation. */
export function parquetRelation(path: string): string {
  return `read_parquet(${sqlString(path)})`;
}

/** Whether a DuckDB type is numeric (integers, floats, decimals). */
export function isNumericType(type: string): boolean {
  return /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL)/.test(type);
}

/** Whether a DuckDB type is a date or timestamp. */
export function isTemporalType(type: string): boolean {
  return /^(DATE|TIMESTAMP)/.test(type);
}

/** A number from a DuckDB JSON value (BIGINT arrives as a string). */
export function toNumber(value: unknown): number {
  if (typeof value === "number") return value;
  if (typeof value === "string" || typeof value === "bigint") return Number(value);
  return Number.NaN;
}
