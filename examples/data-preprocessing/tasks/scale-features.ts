/**
 * Step 6: scale. Standardises the continuous features with a mean and standard deviation fitted
 * on the training split only (the test split never leaks into them), applies the same scaler to
 * both splits, and writes each split as Parquet and CSV into the split's folder (publishing copies
 * them into a version). Cached on its inputs and code while the four files are intact.
 */
import { dirname, join } from "node:path";
import { inputs, task, taskSource } from "weirflow";
import { parquetRelation, sqlIdentifier, sqlString, toNumber, withDuckDb, type DuckDbSession } from "../duckdb-engine.js";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";
import type { FeatureSet } from "./engineer-features.js";
import type { DatasetSplit } from "./split-dataset.js";

/** The scaler of one feature, fitted on the training split. */
export interface FeatureScaler {
  feature: string;
  mean: number;
  std: number;
}

/** Summary of one output feature across both splits. */
export interface FeatureSummary {
  feature: string;
  kind: "scaled" | "discrete";
  trainMean: number;
  trainStd: number;
  min: number;
  max: number;
  missing: number;
}

/** The finished splits. */
export interface ScaledDataset {
  /** Output file name (`train.parquet`, …) → row count. */
  files: Record<string, number>;
  /** The files themselves, by name. */
  outputs: Record<string, OutputFile>;
  scalers: FeatureScaler[];
  summary: FeatureSummary[];
}

/** Fit the scaler on the training split, apply it to both splits, write Parquet and CSV. */
export const scaleFeatures = task(
  {
    name: "scale-features",
    description: "Standardise on the training split; write Parquet and CSV",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact(Object.values(value.outputs)) },
  },
  async (features: FeatureSet, split: DatasetSplit): Promise<ScaledDataset> =>
    withDuckDb(async (duck) => {
      const dir = dirname(split.train.path);
      await duck.run(`CREATE TABLE train AS SELECT * FROM ${parquetRelation(split.train.path)}`);
      await duck.run(`CREATE TABLE test AS SELECT * FROM ${parquetRelation(split.test.path)}`);
      const scalers: FeatureScaler[] = [];
      for (const feature of features.numericFeatures) {
        const column = sqlIdentifier(feature);
        const fitted = await duck.row(`SELECT avg(${column}) AS mean, stddev_pop(${column}) AS std FROM train`);
        const std = toNumber(fitted.std);
        // A constant column scales to 0, not to NaN.
        scalers.push({ feature, mean: toNumber(fitted.mean), std: std > 0 ? std : 1 });
      }
      const scaledColumns = scalers.map(({ feature, mean, std }) => `round((${sqlIdentifier(feature)} - ${mean}) / ${std}, 9) AS ${sqlIdentifier(feature)}`);
      const keptColumns = [...features.idColumns, ...features.discreteFeatures].map(sqlIdentifier);
      const files: Record<string, number> = {};
      const outputs: Record<string, OutputFile> = {};
      for (const name of ["train", "test"] as const) {
        const select = `SELECT ${[...keptColumns, ...scaledColumns].join(", ")} FROM ${name} ORDER BY __row_id`;
        await duck.run(`CREATE TABLE ${name}_scaled AS ${select}`);
        await duck.run(`COPY ${name}_scaled TO ${sqlString(join(dir, `${name}.parquet`))} (FORMAT parquet)`);
        await duck.run(`COPY ${name}_scaled TO ${sqlString(join(dir, `${name}.csv`))} (FORMAT csv, HEADER true)`);
        const rows = toNumber((await duck.row(`SELECT count(*) AS n FROM ${name}_scaled`)).n);
        for (const file of [`${name}.parquet`, `${name}.csv`]) {
          files[file] = rows;
          outputs[file] = await recordOutput(join(dir, file));
        }
      }
      const summary = await summarise(duck, features, scalers);
      return { files, outputs, scalers, summary };
    }),
);

async function summarise(duck: DuckDbSession, features: FeatureSet, scalers: FeatureScaler[]): Promise<FeatureSummary[]> {
  await duck.run("CREATE VIEW both_splits AS SELECT * FROM train_scaled UNION ALL SELECT * FROM test_scaled");
  const summary: FeatureSummary[] = [];
  for (const feature of [...features.numericFeatures, ...features.discreteFeatures]) {
    const column = sqlIdentifier(feature);
    const scaler = scalers.find((candidate) => candidate.feature === feature);
    const stats = await duck.row(`
      SELECT min(${column}) AS min, max(${column}) AS max, count(*) FILTER (WHERE ${column} IS NULL OR isnan(TRY_CAST(${column} AS DOUBLE))) AS missing,
             (SELECT avg(${column}) FROM train) AS mean, (SELECT stddev_pop(${column}) FROM train) AS std
      FROM both_splits`);
    summary.push({
      feature,
      kind: scaler === undefined ? "discrete" : "scaled",
      trainMean: scaler?.mean ?? toNumber(stats.mean),
      trainStd: scaler?.std ?? toNumber(stats.std),
      min: toNumber(stats.min),
      max: toNumber(stats.max),
      missing: toNumber(stats.missing),
    });
  }
  return summary;
}
