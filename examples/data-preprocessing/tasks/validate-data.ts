/**
 * Step 2: validate. Checks the raw data against the data set's schema (known or inferred):
 * columns present, values of the right type, nulls, values outside the plausible range or the
 * allowed categories, duplicate rows and duplicate keys. Returns a data-quality report; fails the
 * run (without retries) only when the data cannot be used at all, e.g. a required column is missing.
 */
import { inputs, NonRetryableError, task, taskSource } from "weirflow";
import { schemaFor, type ColumnRule, type DatasetSchema } from "../dataset-schema.js";
import { parquetRelation, sqlIdentifier, sqlString, toNumber, withDuckDb, type DuckDbSession } from "../duckdb-engine.js";
import type { RawDataset } from "./fetch-raw-data.js";

/** The quality of one column. */
export interface ColumnQuality {
  name: string;
  role: ColumnRule["role"];
  expectedType: string;
  actualType: string | null;
  nulls: number;
  /** Present values that do not convert to the expected type. */
  invalidValues: number;
  /** Values outside the plausible range or not among the allowed categories. */
  outOfRange: number;
  distinct: number;
  min: string | null;
  max: string | null;
}

/** The data-quality report of a raw data set. */
export interface QualityReport {
  dataset: string;
  schema: DatasetSchema;
  rows: number;
  duplicateRows: number;
  duplicateKeys: number;
  columns: ColumnQuality[];
  /** Problems the cleaning step repairs. */
  warnings: string[];
}

/** Check the raw data and report on its quality (cached on the raw data's content and this code; it writes no file). */
export const validateData = task(
  { name: "validate-data", description: "Schema, types, nulls, ranges and duplicates", cache: { policy: inputs.and(taskSource) } },
  async (raw: RawDataset): Promise<QualityReport> => withDuckDb((duck) => buildQualityReport(duck, raw)),
);

async function buildQualityReport(duck: DuckDbSession, raw: RawDataset): Promise<QualityReport> {
  await duck.run(`CREATE VIEW raw AS SELECT * FROM ${parquetRelation(raw.path)}`);
  const observed = [];
  for (const column of raw.columns) {
    const { distinct } = await duck.row(`SELECT count(DISTINCT ${sqlIdentifier(column.name)}) AS distinct FROM raw`);
    observed.push({ ...column, distinct: toNumber(distinct) });
  }
  const schema = schemaFor(raw.source.name, observed);
  const missing = schema.columns.filter((rule) => rule.isRequired && !raw.columns.some((column) => column.name === rule.name));
  if (missing.length > 0) {
    throw new NonRetryableError(
      `data-quality check failed for '${raw.source.name}': missing required column(s) ${missing.map((rule) => rule.name).join(", ")}`,
    );
  }
  const columns: ColumnQuality[] = [];
  const warnings: string[] = [];
  for (const rule of schema.columns.filter((candidate) => candidate.role !== "ignored")) {
    const quality = await columnQuality(duck, rule, raw.columns.find((column) => column.name === rule.name)?.type ?? null);
    columns.push(quality);
    if (quality.nulls > 0) warnings.push(`${rule.name}: ${quality.nulls} missing value(s)`);
    if (quality.invalidValues > 0) warnings.push(`${rule.name}: ${quality.invalidValues} value(s) not of type ${rule.sqlType}`);
    if (quality.outOfRange > 0) warnings.push(`${rule.name}: ${quality.outOfRange} value(s) out of range`);
    if (quality.invalidValues > raw.rows / 2) {
      throw new NonRetryableError(`data-quality check failed for '${raw.source.name}': most values of ${rule.name} are not of type ${rule.sqlType}`);
    }
  }
  const allColumns = raw.columns.map((column) => sqlIdentifier(column.name)).join(", ");
  const { duplicates } = await duck.row(`SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT ${allColumns} FROM raw)) AS duplicates FROM raw`);
  const keyColumns = schema.keyColumns.map(sqlIdentifier).join(", ");
  const duplicateKeys =
    schema.keyColumns.length === 0
      ? 0
      : toNumber((await duck.row(`SELECT count(*) - (SELECT count(*) FROM (SELECT DISTINCT ${keyColumns} FROM raw)) AS n FROM raw`)).n);
  if (toNumber(duplicates) > 0) warnings.push(`${toNumber(duplicates)} duplicate row(s)`);
  if (duplicateKeys > toNumber(duplicates)) warnings.push(`${duplicateKeys} row(s) repeat a key (${schema.keyColumns.join(", ")})`);
  return { dataset: raw.source.name, schema, rows: raw.rows, duplicateRows: toNumber(duplicates), duplicateKeys, columns, warnings };
}

async function columnQuality(duck: DuckDbSession, rule: ColumnRule, actualType: string | null): Promise<ColumnQuality> {
  const column = sqlIdentifier(rule.name);
  const typed = `TRY_CAST(${column} AS ${rule.sqlType})`;
  const checks: string[] = [];
  if (rule.min !== undefined) checks.push(`${typed} < ${rule.min}`);
  if (rule.max !== undefined) checks.push(`${typed} > ${rule.max}`);
  if (rule.allowedValues !== undefined) checks.push(`lower(trim(${typed})) NOT IN (${rule.allowedValues.map(sqlString).join(", ")})`);
  const outOfRange = checks.length === 0 ? "0" : `count(*) FILTER (WHERE ${checks.join(" OR ")})`;
  const stats = await duck.row(`
    SELECT count(*) FILTER (WHERE ${column} IS NULL) AS nulls,
           count(*) FILTER (WHERE ${column} IS NOT NULL AND ${typed} IS NULL) AS invalid,
           ${outOfRange} AS out_of_range,
           count(DISTINCT ${column}) AS distinct,
           CAST(min(${typed}) AS VARCHAR) AS min,
           CAST(max(${typed}) AS VARCHAR) AS max
    FROM raw`);
  return {
    name: rule.name,
    role: rule.role,
    expectedType: rule.sqlType,
    actualType,
    nulls: toNumber(stats.nulls),
    invalidValues: toNumber(stats.invalid),
    outOfRange: toNumber(stats.out_of_range),
    distinct: toNumber(stats.distinct),
    min: stats.min === null || stats.min === undefined ? null : String(stats.min),
    max: stats.max === null || stats.max === undefined ? null : String(stats.max),
  };
}
