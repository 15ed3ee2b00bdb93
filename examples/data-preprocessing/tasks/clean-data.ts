/**
 * Step 3: clean. Converts each column to its schema type (values that do not convert, fall
 * outside the plausible range or are not an allowed category become missing), drops duplicate
 * rows and repeated keys (keeping the first), drops rows without a date, clips statistical
 * outliers (median ± 5 robust standard deviations), and fills missing numbers with the column's
 * median and missing categories with `unknown`. Cached on its inputs and code while
 * `clean.parquet` is intact, like fetching.
 */
import { rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { inputs, task, taskSource } from "weirflow";
import type { ColumnRule, DatasetSchema } from "../dataset-schema.js";
import { parquetRelation, sqlIdentifier, sqlString, toNumber, withDuckDb, type DuckDbSession } from "../duckdb-engine.js";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";
import type { RawDataset } from "./fetch-raw-data.js";
import type { QualityReport } from "./validate-data.js";

/** The cleaned data and what cleaning did. */
export interface CleanDataset extends OutputFile {
  /** `clean.parquet`: `__row_id` plus the schema's columns, typed, without gaps. */
  path: string;
  schema: DatasetSchema;
  rowsIn: number;
  duplicatesRemoved: number;
  rowsWithoutDateRemoved: number;
  invalidValuesRemoved: number;
  outliersClipped: number;
  valuesImputed: number;
  rowsOut: number;
}

/** Robust bound for outliers, in median absolute deviations scaled to a standard deviation. */
const OUTLIER_ROBUST_SIGMAS = 5;

/** Clean the raw data (cached on the raw data's content and this code). */
export const cleanData = task(
  {
    name: "clean-data",
    description: "Types, duplicates, missing values and outliers",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact([value]) },
  },
  async (raw: RawDataset, report: QualityReport): Promise<CleanDataset> => withDuckDb((duck) => clean(duck, raw, report.schema)),
);

/** Where the cleaned Parquet file of a raw data set lives. */
export function cleanDataPath(raw: RawDataset): string {
  return join(dirname(raw.path), "clean.parquet");
}

async function clean(duck: DuckDbSession, raw: RawDataset, schema: DatasetSchema): Promise<CleanDataset> {
  const rules = schema.columns.filter((rule) => rule.role !== "ignored");
  const count = async (table: string) => toNumber((await duck.row(`SELECT count(*) AS n FROM ${table}`)).n);
  const nullCount = async (table: string) =>
    toNumber((await duck.row(`SELECT ${rules.map((rule) => `count(*) FILTER (WHERE ${sqlIdentifier(rule.name)} IS NULL)`).join(" + ")} AS n FROM ${table}`)).n);

  await duck.run(`CREATE TABLE raw AS SELECT * FROM ${parquetRelation(raw.path)}`);
  const rawNulls = await nullCount("raw");
  // Ignored columns stay until duplicates are found: rows differing only there are not duplicates.
  const ignored = schema.columns.filter((rule) => rule.role === "ignored" && raw.columns.some((column) => column.name === rule.name));
  const typedColumns = [...rules.map((rule) => `${typedValueSql(rule)} AS ${sqlIdentifier(rule.name)}`), ...ignored.map((rule) => sqlIdentifier(rule.name))];
  await duck.run(`CREATE TABLE typed AS SELECT __row_id, ${typedColumns.join(", ")} FROM raw`);
  const invalidValuesRemoved = (await nullCount("typed")) - rawNulls;

  const allColumns = [...rules, ...ignored].map((rule) => sqlIdentifier(rule.name)).join(", ");
  const keyPartition = schema.keyColumns.length > 0 ? schema.keyColumns.map(sqlIdentifier).join(", ") : allColumns;
  await duck.run(`
    CREATE TABLE deduplicated AS SELECT * FROM typed
    QUALIFY row_number() OVER (PARTITION BY ${allColumns} ORDER BY __row_id) = 1
        AND row_number() OVER (PARTITION BY ${keyPartition} ORDER BY __row_id) = 1`);
  const duplicatesRemoved = raw.rows - (await count("deduplicated"));

  const dateFilter = schema.dateColumn === null ? "" : `WHERE ${sqlIdentifier(schema.dateColumn)} IS NOT NULL`;
  await duck.run(`CREATE TABLE dated AS SELECT * FROM deduplicated ${dateFilter}`);
  const rowsWithoutDateRemoved = raw.rows - duplicatesRemoved - (await count("dated"));

  let outliersClipped = 0;
  const clipped: string[] = [];
  for (const rule of rules) {
    const column = sqlIdentifier(rule.name);
    if (rule.role !== "numeric" || !rule.shouldClipOutliers) {
      clipped.push(column);
      continue;
    }
    const { median, mad } = await duck.row(`SELECT median(${column}) AS median, mad(${column}) AS mad FROM dated`);
    const spread = toNumber(mad) * 1.4826 * OUTLIER_ROBUST_SIGMAS;
    if (!(spread > 0)) {
      clipped.push(column);
      continue;
    }
    const low = toNumber(median) - spread;
    const high = toNumber(median) + spread;
    outliersClipped += toNumber((await duck.row(`SELECT count(*) FILTER (WHERE ${column} < ${low} OR ${column} > ${high}) AS n FROM dated`)).n);
    clipped.push(`least(greatest(${column}, ${low}), ${high}) AS ${column}`);
  }
  await duck.run(`CREATE TABLE clipped AS SELECT __row_id, ${clipped.join(", ")} FROM dated`);

  const valuesImputed = await nullCount("clipped");
  const filled: string[] = [];
  for (const rule of rules) {
    const column = sqlIdentifier(rule.name);
    if (rule.role === "numeric") filled.push(`coalesce(${column}, (SELECT median(${column}) FROM clipped)) AS ${column}`);
    else if (rule.role === "category") filled.push(`coalesce(${column}, 'unknown') AS ${column}`);
    else filled.push(column);
  }
  const path = cleanDataPath(raw);
  const partial = `${path}.${process.pid}.partial`;
  try {
    await duck.run(`COPY (SELECT __row_id, ${filled.join(", ")} FROM clipped ORDER BY __row_id) TO ${sqlString(partial)} (FORMAT parquet)`);
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
  const rowsOut = toNumber((await duck.row(`SELECT count(*) AS n FROM ${parquetRelation(path)}`)).n);
  return { ...(await recordOutput(path)), schema, rowsIn: raw.rows, duplicatesRemoved, rowsWithoutDateRemoved, invalidValuesRemoved, outliersClipped, valuesImputed, rowsOut };
}

function typedValueSql(rule: ColumnRule): string {
  const column = sqlIdentifier(rule.name);
  if (rule.role === "category") {
    const value = `nullif(lower(trim(CAST(${column} AS VARCHAR))), '')`;
    return rule.allowedValues === undefined ? value : `CASE WHEN ${value} IN (${rule.allowedValues.map(sqlString).join(", ")}) THEN ${value} END`;
  }
  const typed = `TRY_CAST(${column} AS ${rule.sqlType})`;
  const bounds: string[] = [];
  if (rule.min !== undefined) bounds.push(`${typed} >= ${rule.min}`);
  if (rule.max !== undefined) bounds.push(`${typed} <= ${rule.max}`);
  return bounds.length === 0 ? typed : `CASE WHEN ${bounds.join(" AND ")} THEN ${typed} END`;
}
