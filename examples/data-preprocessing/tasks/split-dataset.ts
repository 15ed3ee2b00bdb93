/**
 * Step 5: split. Orders rows by an MD5 hash of the seed and the row id and takes the first
 * round(rows × testFraction) as the test split (at least one row in each split): the same seed
 * always gives the same split, on any machine, and the sizes match the fraction exactly.
 * Writes `split-f<fraction>-s<seed>/` next to the features; cached on its inputs and code while
 * both files are intact.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { inputs, task, taskSource } from "weirflow";
import { parquetRelation, sqlString, toNumber, withDuckDb } from "../duckdb-engine.js";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";
import type { FeatureSet } from "./engineer-features.js";

/** The two splits, still unscaled. */
export interface DatasetSplit {
  train: OutputFile;
  test: OutputFile;
  trainRows: number;
  testRows: number;
}

/** The number of test rows for a table size and fraction. */
export function testRowCount(rows: number, testFraction: number): number {
  if (rows < 2) return 0;
  return Math.min(rows - 1, Math.max(1, Math.round(rows * testFraction)));
}

/** Split the feature table deterministically from a seed. */
export const splitDataset = task(
  {
    name: "split-dataset",
    description: "Deterministic train/test split from a seed",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact([value.train, value.test]) },
  },
  async (features: FeatureSet, testFraction: number, seed: number): Promise<DatasetSplit> =>
    withDuckDb(async (duck) => {
      const dir = splitDir(features, testFraction, seed);
      await mkdir(dir, { recursive: true });
      const testRows = testRowCount(features.rows, testFraction);
      await duck.run(`
        CREATE TABLE ranked AS
        SELECT *, row_number() OVER (ORDER BY md5(${sqlString(`${seed}:`)} || CAST(__row_id AS VARCHAR)), __row_id) AS __rank
        FROM ${parquetRelation(features.path)}`);
      const trainPath = join(dir, "train.unscaled.parquet");
      const testPath = join(dir, "test.unscaled.parquet");
      await duck.run(`COPY (SELECT * EXCLUDE (__rank) FROM ranked WHERE __rank > ${testRows} ORDER BY __row_id) TO ${sqlString(trainPath)} (FORMAT parquet)`);
      await duck.run(`COPY (SELECT * EXCLUDE (__rank) FROM ranked WHERE __rank <= ${testRows} ORDER BY __row_id) TO ${sqlString(testPath)} (FORMAT parquet)`);
      const trainRows = toNumber((await duck.row(`SELECT count(*) AS n FROM ${parquetRelation(trainPath)}`)).n);
      return { train: await recordOutput(trainPath), test: await recordOutput(testPath), trainRows, testRows };
    }),
);

/** The folder of one split of a feature table. */
export function splitDir(features: FeatureSet, testFraction: number, seed: number): string {
  return join(dirname(features.path), `split-f${testFraction}-s${seed}`);
}

