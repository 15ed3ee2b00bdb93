/**
 * Step 4: engineer features. From the cleaned data, adds date parts (year, month, day of week,
 * day of year, weekend flag, cyclic month), rolling means and standard deviations of every numeric
 * column over the previous N rows in date order (per key partition, e.g. per location), and
 * one-hot columns for every category level. Scaling waits until after the split (step 6).
 * Writes `features-w<window>/features.parquet` next to the cleaned data; cached on its inputs and
 * code while that file is intact.
 */
import { mkdir } from "node:fs/promises";
import { dirname, join } from "node:path";
import { inputs, task, taskSource } from "weirflow";
import { parquetRelation, sqlIdentifier, sqlString, toNumber, withDuckDb } from "../duckdb-engine.js";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";
import type { CleanDataset } from "./clean-data.js";

/** The feature table and what its columns are. */
export interface FeatureSet extends OutputFile {
  /** `features.parquet`, in a folder of the cleaned data's folder named after the window. */
  path: string;
  rows: number;
  /** Identifying columns kept as they are (`__row_id`, the date, key categories). */
  idColumns: string[];
  /** Continuous features, standardised after the split. */
  numericFeatures: string[];
  /** Date parts, weekend flag, one-hot columns: kept as they are. */
  discreteFeatures: string[];
  /** Levels of each category column, in one-hot column order. */
  categoryLevels: Record<string, string[]>;
}

/** Build the feature table of the cleaned data. */
export const engineerFeatures = task(
  {
    name: "engineer-features",
    description: "Date parts, rolling statistics, one-hot categories",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact([value]) },
  },
  async (clean: CleanDataset, rollingWindowDays: number): Promise<FeatureSet> =>
    withDuckDb(async (duck) => {
      const dir = featuresDir(clean, rollingWindowDays);
      await mkdir(dir, { recursive: true });
      await duck.run(`CREATE TABLE clean AS SELECT * FROM ${parquetRelation(clean.path)}`);
      const { schema } = clean;
      const idColumns = ["__row_id"];
      const numericFeatures: string[] = [];
      const discreteFeatures: string[] = [];
      const categoryLevels: Record<string, string[]> = {};
      const selects = ["__row_id"];

      const date = schema.dateColumn === null ? null : sqlIdentifier(schema.dateColumn);
      if (date !== null && schema.dateColumn !== null) {
        idColumns.push(schema.dateColumn);
        selects.push(date);
        const parts: [part: string, sql: string][] = [
          ["year", `year(${date})`],
          ["month", `month(${date})`],
          ["day_of_month", `day(${date})`],
          ["day_of_week", `isodow(${date})`],
          ["day_of_year", `dayofyear(${date})`],
          ["is_weekend", `CAST(isodow(${date}) >= 6 AS INTEGER)`],
          ["month_sin", `round(sin(2 * pi() * month(${date}) / 12), 12)`],
          ["month_cos", `round(cos(2 * pi() * month(${date}) / 12), 12)`],
        ];
        // Prefixed with the date column's name, so they never collide with a column of the source.
        for (const [part, sql] of parts) {
          const name = `${featureName(schema.dateColumn)}_${part}`;
          selects.push(`${sql} AS ${sqlIdentifier(name)}`);
          discreteFeatures.push(name);
        }
      }

      const partition = schema.keyColumns.filter((column) => column !== schema.dateColumn).map(sqlIdentifier);
      const order = date === null ? "__row_id" : `${date}, __row_id`;
      const window = `(${partition.length > 0 ? `PARTITION BY ${partition.join(", ")} ` : ""}ORDER BY ${order} ROWS BETWEEN ${rollingWindowDays - 1} PRECEDING AND CURRENT ROW)`;
      for (const rule of schema.columns) {
        const column = sqlIdentifier(rule.name);
        if (rule.role === "numeric") {
          const mean = `${featureName(rule.name)}_rolling_mean_${rollingWindowDays}`;
          const std = `${featureName(rule.name)}_rolling_std_${rollingWindowDays}`;
          selects.push(column, `avg(${column}) OVER ${window} AS ${sqlIdentifier(mean)}`);
          // The first row of a partition has no spread yet: 0, never a missing value.
          selects.push(`coalesce(stddev_samp(${column}) OVER ${window}, 0) AS ${sqlIdentifier(std)}`);
          numericFeatures.push(rule.name, mean, std);
        } else if (rule.role === "category") {
          const levels = (await duck.rows(`SELECT DISTINCT ${column} AS level FROM clean ORDER BY 1`)).map((row) => String(row.level));
          categoryLevels[rule.name] = levels;
          if (schema.keyColumns.includes(rule.name)) {
            idColumns.push(rule.name);
            selects.push(column);
          }
          for (const level of levels) {
            const name = `${featureName(rule.name)}_${featureName(level)}`;
            selects.push(`CAST(${column} = ${sqlString(level)} AS INTEGER) AS ${sqlIdentifier(name)}`);
            discreteFeatures.push(name);
          }
        }
      }
      const path = join(dir, "features.parquet");
      await duck.run(`COPY (SELECT ${selects.join(", ")} FROM clean ORDER BY __row_id) TO ${sqlString(path)} (FORMAT parquet)`);
      const rows = toNumber((await duck.row(`SELECT count(*) AS n FROM ${parquetRelation(path)}`)).n);
      return { ...(await recordOutput(path)), rows, idColumns, numericFeatures, discreteFeatures, categoryLevels };
    }),
);

/** The folder of the features of some cleaned data for one rolling window. */
export function featuresDir(clean: CleanDataset, rollingWindowDays: number): string {
  return join(dirname(clean.path), `features-w${rollingWindowDays}`);
}

/** A column-name-safe version of a label: lower case, runs of other characters as `_`. */
export function featureName(label: string): string {
  return label.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "") || "blank";
}
