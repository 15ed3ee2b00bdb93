/**
 * Per-task overhead of result persistence, per result store, for 1 KB and 1 MB results (issue 13
 * item 7): sequential tasks inside a flow that return a `Uint8Array` of that size, stored in
 *   - `local`: a directory ($WEIR_HOME/storage, temp file + rename);
 *   - `server`: through a real Weir server's API into its database, SQLite and PostgreSQL;
 *   - `s3://`: moto, a local S3-PROTOCOL STAND-IN (not S3; the same @aws-sdk/client-s3 calls);
 * against the same tasks with persistence off ("none"), so the cost of storing is the difference.
 * Runs are recorded over HTTP by a Weir server on 127.0.0.1 (one on SQLite, one on PostgreSQL);
 * each row's baseline is the same server's. Everything talks to 127.0.0.1 only (servers, moto,
 * PostgreSQL at WEIR_BENCH_POSTGRES_URL or the test database); the benchmark stops by itself
 * (a watchdog ends it after 15 minutes). PostgreSQL or moto missing: its rows are skipped with the
 * reason printed. Figures are wall milliseconds per task, the median of `rounds` rounds after one
 * warm-up round (a shared machine: compare rows of one run, not runs).
 *
 * Run alone: `node --import tsx bench/result-storage.ts [tasks] [rounds]` (default 40 tasks, 5 rounds).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { HttpClient } from "../src/client/http-client.js";
import { flow, setClient, task } from "../src/index.js";
import { flushAll } from "../src/sdk/client-provider.js";
import { startServer, type RunningServer } from "../src/server/start-server.js";
import { createBucket, MOTO_SKIP_REASON, startMoto, type MotoServer } from "../test/results/moto-server.js";

const tasks = Number(process.argv[2] ?? 40);
const rounds = Number(process.argv[3] ?? 5);
const WATCHDOG_MS = 15 * 60_000;
const SIZES = { "1 KB": 1024, "1 MB": 1024 * 1024 } as const;

const watchdog = setTimeout(() => {
  console.error(`result-storage: still running after ${WATCHDOG_MS / 60_000} minutes; stopping`);
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const home = mkdtempSync(join(tmpdir(), "weir-bench-results-"));
process.env.WEIR_HOME = home;
process.env.WEIR_LOGGING_QUIET = "1";

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

let taskNumber = 0;

/** Milliseconds per task of `tasks` sequential tasks returning `size` bytes, stored in `storage` (null: not persisted). */
async function measure(storage: string | null, size: number): Promise<number> {
  const payload = new Uint8Array(size).fill(7);
  const make = task(
    { name: `payload-${(taskNumber += 1)}`, persistResult: storage !== null, ...(storage === null ? {} : { resultStorage: storage }) },
    async (index: number) => {
      const copy = payload.slice();
      copy[0] = index % 256;
      return copy;
    },
  );
  const run = flow({ name: "bench-result-storage" }, async ({ count }: { count: number }) => {
    for (let index = 0; index < count; index += 1) await make(index);
  });
  await run({ count: Math.min(tasks, 5) });
  await flushAll();
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await run({ count: tasks });
    await flushAll();
    times.push((performance.now() - started) / tasks);
  }
  return median(times);
}

/** A fresh PostgreSQL schema for the server, and how to drop it; null (reason printed) when PostgreSQL cannot be reached. */
async function postgresSchema(): Promise<{ url: string; drop: () => Promise<void> } | null> {
  const base = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_results_${process.pid}`;
  const admin = new pg.Client({ connectionString: base, connectionTimeoutMillis: 5000 });
  try {
    await admin.connect();
    await admin.query(`CREATE SCHEMA "${schema}"`);
  } catch (error) {
    console.log(`postgres: skipped (${error instanceof Error ? error.message : String(error)})`);
    await admin.end().catch(() => undefined);
    return null;
  }
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    drop: async () => {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end();
    },
  };
}

async function startMotoOrSkip(): Promise<MotoServer | null> {
  if (MOTO_SKIP_REASON !== null) {
    console.log(`s3: skipped (${MOTO_SKIP_REASON})`);
    return null;
  }
  try {
    const moto = await startMoto();
    Object.assign(process.env, moto.env);
    await createBucket(moto, "bench-results");
    return moto;
  } catch (error) {
    console.log(`s3: skipped (moto could not be made or started: ${error instanceof Error ? error.message : String(error)})`);
    return null;
  }
}

function signed(value: number): string {
  return `${value >= 0 ? "+" : ""}${value.toFixed(2)}`;
}

/** One table row per store, on the server of `database`. */
async function benchOn(database: string, server: RunningServer, stores: Array<[string, string | null]>): Promise<void> {
  const client = new HttpClient({ apiUrl: server.url });
  setClient(client);
  try {
    let baseline: number[] = [];
    for (const [label, storage] of stores) {
      const figures: number[] = [];
      for (const size of Object.values(SIZES)) figures.push(await measure(storage, size));
      if (storage === null) baseline = figures;
      const extra = storage === null ? figures.map(() => "") : figures.map((value, index) => signed(value - baseline[index]!));
      console.log([database.padEnd(9), label.padEnd(13), ...figures.map((value) => value.toFixed(2).padStart(9)), ...extra.map((cell) => cell.padStart(10))].join(" "));
    }
  } finally {
    await flushAll();
    setClient(null);
    await client.close();
  }
}

async function main(): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  try {
    const moto = await startMotoOrSkip();
    if (moto !== null) cleanups.unshift(() => moto.stop());
    const stores: Array<[string, string | null]> = [
      ["none", null],
      ["local", join(home, "storage")],
      ["server", "server"],
      ...(moto === null ? [] : [["s3 (moto)", "s3://bench-results/bench"] as [string, string]]),
    ];
    const postgres = await postgresSchema();
    if (postgres !== null) cleanups.unshift(postgres.drop);
    const databases: Array<[string, string]> = [["sqlite", `sqlite://${join(home, "weir.db")}`], ...(postgres === null ? [] : [["postgres", postgres.url] as [string, string]])];

    console.log(`result storage: ms per task (wall), ${tasks} sequential tasks per flow run, median of ${rounds} rounds after a warm-up`);
    console.log(`runs recorded over HTTP by a Weir server on 127.0.0.1 on the database named first; "+" columns: cost over "none" on that server`);
    console.log(["database".padEnd(9), "store".padEnd(13), ...Object.keys(SIZES).map((size) => size.padStart(9)), ...Object.keys(SIZES).map((size) => `+${size}`.padStart(10))].join(" "));
    for (const [database, databaseUrl] of databases) {
      const server = await startServer({ host: "127.0.0.1", port: 0, databaseUrl, runServices: false, uiDir: null, log: () => undefined });
      try {
        await benchOn(database, server, stores);
      } finally {
        await server.close();
      }
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
