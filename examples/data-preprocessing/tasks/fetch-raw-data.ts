/**
 * Step 1b: fetch. Loads a fingerprinted source with DuckDB into `raw.parquet` in the source's
 * work folder, numbering rows in file order. Cached on its inputs (which carry the source's content
 * hash) and its code, while `raw.parquet` is intact: an unchanged source is never parsed twice.
 */
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { inputs, task, taskSource } from "weirflow";
import type { MaterializedSource, SourceFormat } from "../data-source.js";
import { sqlString, toNumber, withDuckDb, type ColumnInfo } from "../duckdb-engine.js";
import { sourceCacheDir } from "../work-dirs.js";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";

/** The raw data as loaded, before any check. */
export interface RawDataset extends OutputFile {
  /** `raw.parquet`, with a `__row_id` column numbering rows in source order. */
  path: string;
  source: MaterializedSource;
  rows: number;
  columns: ColumnInfo[];
}

/** Load a fingerprinted source into Parquet (cached on the source's content hash). */
export const fetchRawData = task(
  {
    name: "fetch-raw-data",
    description: "Load the raw table with DuckDB into the source's work folder",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact([value]) },
  },
  async (source: MaterializedSource, outputDir: string): Promise<RawDataset> => {
    const path = rawDataPath(outputDir, source.sha256);
    await mkdir(sourceCacheDir(outputDir, source.sha256), { recursive: true });
    return withDuckDb(async (duck) => {
      const partial = `${path}.${process.pid}.partial`;
      try {
        // With one DuckDB thread, row_number() OVER () follows the file's order.
        await duck.run(`COPY (SELECT row_number() OVER () AS __row_id, * FROM ${readSourceSql(source.localPath, source.format)}) TO ${sqlString(partial)} (FORMAT parquet)`);
        await rename(partial, path);
      } finally {
        await rm(partial, { force: true });
      }
      const relation = `read_parquet(${sqlString(path)})`;
      const { n } = await duck.row(`SELECT count(*) AS n FROM ${relation}`);
      const columns = (await duck.describe(relation)).filter((column) => column.name !== "__row_id");
      return { ...(await recordOutput(path)), source, rows: toNumber(n), columns };
    });
  },
);

/** Where the raw Parquet file of a source lives. */
export function rawDataPath(outputDir: string, sha256: string): string {
  return join(sourceCacheDir(outputDir, sha256), "raw.parquet");
}

/** The DuckDB table function reading a file of the given format. */
export function readSourceSql(path: string, format: SourceFormat): string {
  switch (format) {
    case "csv":
      return `read_csv_auto(${sqlString(path)}, header = true)`;
    case "tsv":
      return `read_csv_auto(${sqlString(path)}, header = true, delim = '\t')`;
    case "json":
      return `read_json_auto(${sqlString(path)})`;
    case "parquet":
      return `read_parquet(${sqlString(path)})`;
  }
}

