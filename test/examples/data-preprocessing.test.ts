/**
 * The flagship pipeline on the real Seattle weather data, through the SDK on the test database
 * (SQLite or PostgreSQL per WEIR_TEST_DB): row counts per step, gap-free features, exact split
 * sizes, identical outputs for one seed, a rerun on unchanged data Cached from end to end, a
 * deleted or changed file re-running exactly the step that wrote it, repairs of dirty data, and
 * bad parameters that fail fast without leaving output behind.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flushAll } from "../../src/sdk/client-provider.js";
import { bundledDataDir } from "../../examples/data-preprocessing/data-source.js";
import { parquetRelation, sqlIdentifier, toNumber, withDuckDb } from "../../examples/data-preprocessing/duckdb-engine.js";
import { dataPreprocessing, type PipelineResult } from "../../examples/data-preprocessing/pipeline.js";
import { PYTHON_VENV } from "../../examples/data-preprocessing/tasks/profile-training-set.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";

const { database, client } = useSdkTestClient();

const seattleCsv = () => join(bundledDataDir(), "seattle-weather.csv");

/** Data rows of a CSV file, counted without DuckDB. */
function csvRows(path: string): string[] {
  return readFileSync(path, "utf8").split("\n").slice(1).filter((line) => line.trim() !== "");
}

/** Row ids, and the number of missing values over all columns, of a Parquet output. */
async function inspectOutput(path: string): Promise<{ ids: number[]; missing: number; columns: string[] }> {
  return withDuckDb(async (duck) => {
    const relation = parquetRelation(path);
    const columns = (await duck.describe(relation)).map((column) => column.name);
    const gaps = columns.map((column) => `count(*) FILTER (WHERE ${sqlIdentifier(column)} IS NULL OR (typeof(${sqlIdentifier(column)}) = 'DOUBLE' AND isnan(TRY_CAST(${sqlIdentifier(column)} AS DOUBLE))))`);
    const { missing } = await duck.row(`SELECT ${gaps.join(" + ")} AS missing FROM ${relation}`);
    const ids = (await duck.rows(`SELECT __row_id AS id FROM ${relation} ORDER BY 1`)).map((row) => toNumber(row.id));
    return { ids, missing: toNumber(missing), columns };
  });
}

/** The pipeline's steps, in order. */
const STEPS = [
  "fingerprint-source",
  "fetch-raw-data",
  "validate-data",
  "clean-data",
  "engineer-features",
  "split-dataset",
  "scale-features",
  "publish-outputs",
  "publish-report",
];

/** Every step Cached but the given ones, which ran (Completed). */
function onlyRan(...ran: string[]): Record<string, string> {
  return Object.fromEntries(STEPS.map((step) => [step, ran.includes(step) ? "Completed" : "Cached"]));
}

async function taskStates(flowRunId: string | null): Promise<Record<string, string>> {
  expect(flowRunId).toBeTruthy();
  await flushAll();
  const page = await client.listTaskRuns({ flowRunId: flowRunId ?? "" }, { limit: 100 });
  return Object.fromEntries(page.items.map((run) => [run.taskKey, run.stateName]));
}

describe("data-preprocessing pipeline on seattle-weather", () => {
  const outputDir = () => join(database.dir, "out");
  let first: PipelineResult;

  it("counts rows after each step, splits exactly and leaves no gap in the features", async () => {
    const expectedRows = csvRows(seattleCsv()).length;
    expect(expectedRows).toBeGreaterThan(1000);
    first = await dataPreprocessing({ outputDir: outputDir(), testFraction: 0.25, seed: 7 });

    const expectedTest = Math.round(expectedRows * 0.25);
    expect(first.rowCounts).toEqual({
      fetch: expectedRows,
      validate: expectedRows,
      clean: expectedRows,
      features: expectedRows,
      "split: train": expectedRows - expectedTest,
      "split: test": expectedTest,
    });
    expect(first.dir).toBe(join(outputDir(), first.version));
    expect([...first.files].sort()).toEqual(["manifest.json", "quality-report.json", "test.csv", "test.parquet", "train.csv", "train.parquet"]);

    const train = await inspectOutput(join(first.dir, "train.parquet"));
    const test = await inspectOutput(join(first.dir, "test.parquet"));
    expect(train.ids).toHaveLength(expectedRows - expectedTest);
    expect(test.ids).toHaveLength(expectedTest);
    expect(new Set([...train.ids, ...test.ids]).size).toBe(expectedRows);
    expect(train.missing).toBe(0);
    expect(test.missing).toBe(0);
    expect(train.columns).toEqual(expect.arrayContaining(["date_month", "date_day_of_week", "date_is_weekend", "temp_max_rolling_mean_7", "weather_sun", "weather_snow"]));
    expect(csvRows(join(first.dir, "train.csv"))).toHaveLength(expectedRows - expectedTest);

    // The scaler was fitted on the training split: there, scaled features have mean 0 and std 1.
    const fitted = await withDuckDb((duck) =>
      duck.row(`SELECT avg(temp_max) AS mean, stddev_pop(temp_max) AS std FROM ${parquetRelation(join(first.dir, "train.parquet"))}`),
    );
    expect(toNumber(fitted.mean)).toBeCloseTo(0, 6);
    expect(toNumber(fitted.std)).toBeCloseTo(1, 6);

    const manifest = JSON.parse(readFileSync(join(first.dir, "manifest.json"), "utf8")) as { rowCounts: Record<string, number>; source: { sha256: string } };
    expect(manifest.rowCounts).toMatchObject({ raw: expectedRows, train: expectedRows - expectedTest, test: expectedTest });
    expect(JSON.parse(readFileSync(join(outputDir(), "latest.json"), "utf8"))).toMatchObject({ version: first.version });
    expect(readdirSync(join(outputDir(), ".staging"))).toEqual([]);

    await flushAll();
    const artifacts = await client.listArtifacts({ flowRunId: first.flowRunId ?? "" });
    const byKey = Object.fromEntries(artifacts.items.map((artifact) => [artifact.key, artifact]));
    expect(byKey["data-preprocessing-summary"]?.type).toBe("markdown");
    expect(String(byKey["data-preprocessing-summary"]?.data)).toContain(first.version);
    expect(byKey["data-preprocessing-row-counts"]?.type).toBe("table");
    expect(byKey["data-preprocessing-quality"]?.data).toEqual(expect.arrayContaining([expect.objectContaining({ name: "temp_max", nulls: 0 })]));
    expect(byKey["data-preprocessing-features"]?.type).toBe("table");
  });

  it("reuses every step on unchanged data, returning the version already published; another seed splits anew", async () => {
    const second = await dataPreprocessing({ outputDir: outputDir(), testFraction: 0.25, seed: 7 });
    expect(await taskStates(second.flowRunId)).toEqual(onlyRan());
    expect(second).toMatchObject({ version: first.version, dir: first.dir, rowCounts: first.rowCounts });

    const otherSeed = await dataPreprocessing({ outputDir: outputDir(), testFraction: 0.25, seed: 8 });
    expect(await taskStates(otherSeed.flowRunId)).toEqual(onlyRan("split-dataset", "scale-features", "publish-outputs", "publish-report"));
    expect(otherSeed.version).not.toBe(first.version);
    const testIds = async (result: PipelineResult) => (await inspectOutput(join(result.dir, "test.parquet"))).ids;
    expect(await testIds(otherSeed)).toHaveLength((await testIds(first)).length);
    expect(await testIds(otherSeed)).not.toEqual(await testIds(first));
  });

  it("with pythonProfile, profiles the training split in a Python step whose value reaches the flow", async () => {
    // pandas when setup-python.sh has made the example's venv, else python3's standard library.
    const hasVenv = existsSync(join(PYTHON_VENV, "bin", "python"));
    const profiled = await dataPreprocessing({ outputDir: outputDir(), testFraction: 0.25, seed: 7, pythonProfile: true });
    expect(await taskStates(profiled.flowRunId)).toEqual({ ...onlyRan(), "profile-training-set": "Completed" });
    expect(profiled.version).toBe(first.version);
    const profile = profiled.profile!;
    expect(profile.engine).toBe(hasVenv ? "pandas" : "stdlib");
    expect(profile.rows).toBe(first.rowCounts["split: train"]);
    expect(profile.columns).toEqual(expect.arrayContaining(["temp_max", "date_month"]));
    // The scaler was fitted on this split: Python sees mean 0 and (sample) std 1.
    expect(profile.numeric.temp_max!.mean).toBeCloseTo(0, 6);
    expect(profile.numeric.temp_max!.std).toBeCloseTo(1, 2);
    expect(profile.numeric.temp_max!.missing).toBe(0);
    const logs = await client.readLogs({ flowRunId: profiled.flowRunId ?? "", limit: 1000 });
    expect(logs.map((log) => log.message)).toContain(`profiled ${profile.rows} rows, ${Object.keys(profile.numeric).length} numeric columns with ${profile.engine}`);
  });
});

describe("data-preprocessing cache: a missing or changed file re-runs the step that wrote it", () => {
  const outputDir = () => join(database.dir, "files-out");
  let first: PipelineResult;
  let work = "";

  beforeAll(async () => {
    first = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(first.flowRunId)).toEqual(Object.fromEntries(STEPS.map((step) => [step, "Completed"])));
    const [sourceDir] = readdirSync(join(outputDir(), ".cache")).filter((name) => name !== "downloads");
    work = join(outputDir(), ".cache", sourceDir!);
  });

  it.each([
    ["raw.parquet", "fetch-raw-data"],
    ["clean.parquet", "clean-data"],
    ["features-w7/features.parquet", "engineer-features"],
    ["features-w7/split-f0.2-s42/test.unscaled.parquet", "split-dataset"],
    ["features-w7/split-f0.2-s42/train.csv", "scale-features"],
  ])("deleting %s runs %s again, and only it (it writes the same bytes, so the steps after it stay cached)", async (file, step) => {
    const path = join(work, file);
    const before = readFileSync(path);
    rmSync(path);
    const rerun = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(rerun.flowRunId)).toEqual(onlyRan(step));
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(rerun.version).toBe(first.version);
  });

  it("a file whose content changed is rewritten by the step that wrote it", async () => {
    const path = join(work, "features-w7", "features.parquet");
    appendFileSync(path, "tampered");
    const rerun = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(rerun.flowRunId)).toEqual(onlyRan("engineer-features"));
  });

  it("deleting a file of the published version publishes a new, identical version (and reports it)", async () => {
    rmSync(join(first.dir, "train.csv"));
    const rerun = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(rerun.flowRunId)).toEqual(onlyRan("publish-outputs", "publish-report"));
    expect(rerun.version).not.toBe(first.version);
    expect(JSON.parse(readFileSync(join(outputDir(), "latest.json"), "utf8"))).toMatchObject({ version: rerun.version });
    expect(readFileSync(join(rerun.dir, "train.csv")).equals(readFileSync(join(work, "features-w7", "split-f0.2-s42", "train.csv")))).toBe(true);
    for (const file of ["train.parquet", "test.parquet", "test.csv", "quality-report.json"]) {
      expect(readFileSync(join(rerun.dir, file)).equals(readFileSync(join(first.dir, file))), file).toBe(true);
    }
    const again = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(again.flowRunId)).toEqual(onlyRan());
    expect(again.version).toBe(rerun.version);
  });

  it("recomputes every file, instead of failing, when the whole work folder was deleted", async () => {
    rmSync(join(outputDir(), ".cache"), { recursive: true });
    const rebuilt = await dataPreprocessing({ outputDir: outputDir() });
    // The published version's files are intact and the rebuilt inputs are byte for byte the same: it is reused.
    expect(await taskStates(rebuilt.flowRunId)).toEqual(onlyRan("fetch-raw-data", "clean-data", "engineer-features", "split-dataset", "scale-features"));
    const again = await dataPreprocessing({ outputDir: outputDir() });
    expect(await taskStates(again.flowRunId)).toEqual(onlyRan());
  });
});

describe("data-preprocessing pipeline on dirty data", () => {
  it("removes duplicates and undated rows, fills gaps, drops impossible values, and refetches a changed source", async () => {
    const [header, ...rows] = readFileSync(seattleCsv(), "utf8").trim().split("\n");
    const dirty = [...rows];
    dirty[10] = dirty[10]!.replace(/^([^,]+),([^,]+),([^,]+),/, "$1,$2,,"); // missing temp_max
    dirty[20] = dirty[20]!.replace(/^([^,]+),([^,]+),([^,]+),/, "$1,$2,999,"); // impossible temp_max
    dirty[30] = dirty[30]!.replace(/,[a-z]+$/, ",hail"); // unknown category
    dirty.push(rows[5]!, rows[6]!, rows[7]!); // exact duplicates
    dirty.push(",1.0,10.0,5.0,3.0,rain"); // no date
    const sourcePath = join(database.dir, "seattle-weather.csv");
    writeFileSync(sourcePath, `${[header, ...dirty].join("\n")}\n`);
    const outputDir = join(database.dir, "dirty-out");

    const result = await dataPreprocessing({ source: sourcePath, outputDir, seed: 1 });
    expect(result.rowCounts).toMatchObject({ fetch: rows.length + 4, clean: rows.length, features: rows.length });
    const quality = JSON.parse(readFileSync(join(result.dir, "quality-report.json"), "utf8")) as { duplicateRows: number; warnings: string[] };
    expect(quality.duplicateRows).toBe(3);
    expect(quality.warnings.join("\n")).toMatch(/temp_max: 1 missing value/);
    expect(quality.warnings.join("\n")).toMatch(/temp_max: 1 value\(s\) out of range/);
    expect(quality.warnings.join("\n")).toMatch(/weather: 1 value\(s\) out of range/);
    for (const split of ["train.parquet", "test.parquet"]) expect((await inspectOutput(join(result.dir, split))).missing).toBe(0);
    const manifest = JSON.parse(readFileSync(join(result.dir, "manifest.json"), "utf8")) as { features: { categoryLevels: Record<string, string[]> } };
    expect(manifest.features.categoryLevels.weather).toEqual(["drizzle", "fog", "rain", "snow", "sun", "unknown"]);

    writeFileSync(sourcePath, `${[header, ...rows].join("\n")}\n`);
    const changed = await dataPreprocessing({ source: sourcePath, outputDir, seed: 1 });
    expect(changed.rowCounts).toMatchObject({ fetch: rows.length, clean: rows.length });
    expect(await taskStates(changed.flowRunId)).toMatchObject({ "fetch-raw-data": "Completed", "clean-data": "Completed" });
  });

  it("fails a source that lacks a required column without publishing anything", async () => {
    const sourcePath = join(database.dir, "broken", "seattle-weather.csv");
    const outputDir = join(database.dir, "broken-out");
    const lines = readFileSync(seattleCsv(), "utf8").trim().split("\n").map((line) => line.split(",").slice(0, 5).join(","));
    mkdirSync(join(database.dir, "broken"), { recursive: true });
    writeFileSync(sourcePath, `${lines.join("\n")}\n`);
    await expect(dataPreprocessing({ source: sourcePath, outputDir })).rejects.toThrow(/missing required column\(s\) weather/);
    const published = readdirSync(outputDir).filter((name) => !name.startsWith("."));
    expect(published).toEqual([]);
    expect(existsSync(join(outputDir, ".staging")) ? readdirSync(join(outputDir, ".staging")) : []).toEqual([]);
  });
});

describe("data-preprocessing pipeline on a URL", () => {
  let server: Server;
  let baseUrl = "";

  beforeAll(async () => {
    server = createServer((request, response) => {
      if (request.url === "/data/seattle-weather.csv") {
        response.writeHead(200, { "content-type": "text/csv" }).end(readFileSync(seattleCsv()));
      } else {
        response.writeHead(404).end("not found");
      }
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it("downloads over HTTP, identifies the data by its content and reuses the cache on the next run", async () => {
    const outputDir = join(database.dir, "url-out");
    const source = `${baseUrl}/data/seattle-weather.csv`;
    const first = await dataPreprocessing({ source, outputDir });
    expect(first.rowCounts.fetch).toBe(csvRows(seattleCsv()).length);
    const manifest = JSON.parse(readFileSync(join(first.dir, "manifest.json"), "utf8")) as { source: { kind: string; location: string } };
    expect(manifest.source).toMatchObject({ kind: "url", location: source });
    const second = await dataPreprocessing({ source, outputDir });
    expect(await taskStates(second.flowRunId)).toMatchObject({ "fingerprint-source": "Completed", "fetch-raw-data": "Cached", "clean-data": "Cached" });
  });

  it("fails at once on a missing URL, publishing nothing", async () => {
    const outputDir = join(database.dir, "url-missing-out");
    await expect(dataPreprocessing({ source: `${baseUrl}/data/nothing.csv`, outputDir })).rejects.toThrow(/HTTP 404/);
    expect(existsSync(outputDir) ? readdirSync(outputDir).filter((name) => !name.startsWith(".")) : []).toEqual([]);
  });
});

describe("data-preprocessing parameters", () => {
  it.each([
    [{ source: "no-such-table" }, /parameters\.source: unknown source 'no-such-table'/],
    [{ source: "/nowhere/data.csv" }, /parameters\.source: unknown source/],
    [{ testFraction: 0 }, /parameters\.testFraction: .*greater than 0 and less than 1/],
    [{ testFraction: 1 }, /parameters\.testFraction/],
    [{ testFraction: 1.5 }, /parameters\.testFraction/],
    [{ seed: 1.5 }, /parameters\.seed/],
  ])("rejects %j naming the parameter and writes nothing", async (bad, message) => {
    const outputDir = join(database.dir, `bad-${crypto.randomUUID()}`);
    const started = Date.now();
    await expect(dataPreprocessing({ outputDir, ...bad })).rejects.toThrow(message);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(outputDir)).toBe(false);
  });
});
