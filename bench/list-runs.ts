/**
 * Benchmark: the runs list API with many flow runs stored (DESIGN §8: 1,000,000 runs, filtered by
 * state and time, p95 ≤ 100 ms). A real `weir server start` serves the requests over HTTP, and
 * the requests are the ones the dashboard sends (ui/src/pages/flow-runs-page.tsx: pages of 100,
 * newest first, state / deployment / time filters, then the next cursor page and the total count;
 * home-page.tsx: recent failures, the Late list and the per-bucket counts).
 *
 * The runs are seeded straight into the tables, in bulk, between a first server start (which runs
 * the migrations) and a second one (which serves): on PostgreSQL one INSERT … SELECT over
 * generate_series into a fresh schema; on SQLite one transaction of a prepared INSERT into a fresh
 * file. The mix is a production-like one: 70% Completed, 10% Failed, 10% Scheduled, 5% Running,
 * 4% Cancelled, 1% Crashed, spread over 100 days (one run every 8.64 s at 1,000,000 runs) across
 * 5 flows, 40 deployments (every 10th run has none) and 2 work pools. Every run has one tag: 'rare'
 * (1%) or 'bench' (99%); on SQLite the seed's inserts fill `flow_run_tags` through its triggers
 * (migration 006), as the server's would.
 *
 * Each scenario is timed over `requests` sequential requests (after 5 warm-up ones) with its
 * time window moving, and reports p50/p95 wall time and the CPU time per request of the server
 * process and (PostgreSQL) of its database backends. The machine is shared: read CPU with wall.
 *
 * Run alone: `node --import tsx bench/list-runs.ts [runs] [requests]` (PostgreSQL at
 * WEIR_BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/test), or with
 * `WEIR_BENCH_DB=sqlite` for SQLite. Set WEIR_FROM_SOURCE=1 to serve from src/ instead of dist/.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import pg from "pg";
import { processCpuMs } from "./process-cpu.js";
import { startWeirServer, stopProcess } from "./server-url.js";

const PG_URL = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const FIRST_RUN_MS = Date.UTC(2026, 7, 1);
const SPAN_MS = 100 * 86_400_000;
const DEPLOYMENTS = 40;
const FLOWS = 5;
/** The state mix, per 100 runs: [type, name, share]. */
const STATE_MIX: ReadonlyArray<readonly [string, string, number]> = [
  ["COMPLETED", "Completed", 70],
  ["FAILED", "Failed", 10],
  ["SCHEDULED", "Scheduled", 10],
  ["RUNNING", "Running", 5],
  ["CANCELLED", "Cancelled", 4],
  ["CRASHED", "Crashed", 1],
];

/** Figures of one scenario. */
export interface ListRunsScenarioResult {
  scenario: string;
  p50Ms: number;
  p95Ms: number;
  /** CPU of the server process per request. */
  serverCpuMsPerRequest: number;
  /** CPU of the PostgreSQL backends per request (null on SQLite). */
  databaseCpuMsPerRequest: number | null;
  /** Items (or the count) of the last response, to show the scenario is not empty. */
  lastResult: number;
}

/** Figures of the list-runs benchmark. */
export interface ListRunsResult {
  database: "postgres" | "sqlite";
  storedRuns: number;
  seedSeconds: number;
  requests: number;
  scenarios: ListRunsScenarioResult[];
}

/** The state index (into STATE_MIX) of run `i` (0-based): a fixed interleaving of the shares. */
function stateIndexOf(i: number): number {
  let slot = (i * 37) % 100;
  for (let index = 0; index < STATE_MIX.length; index++) {
    slot -= STATE_MIX[index]?.[2] ?? 0;
    if (slot < 0) return index;
  }
  return 0;
}

function deploymentIdOf(d: number): string {
  return `00000000-0000-4000-8000-${String(d).padStart(12, "0")}`;
}

function flowIdOf(f: number): string {
  return `00000000-0000-4000-9000-${String(f).padStart(12, "0")}`;
}

/** Seed `runs` flow runs into the (migrated) schema on `client`'s search_path. */
export async function seedPostgres(client: pg.Client, runs: number): Promise<void> {
  for (let f = 0; f < FLOWS; f++) {
    await client.query(`INSERT INTO flows (id, name, tags, created_at, updated_at) VALUES ($1, $2, '[]', now()::text, now()::text)`, [flowIdOf(f), `bench-flow-${f}`]);
  }
  const mixCase = (column: 0 | 1): string => {
    let bound = 0;
    const arms = STATE_MIX.map((entry) => {
      bound += entry[2];
      return `WHEN slot < ${bound} THEN '${entry[column]}'`;
    });
    return `CASE ${arms.join(" ")} END`;
  };
  // The same rows as seedSqlite (i is 0-based there and here).
  await client.query(
    `INSERT INTO flow_runs (id, name, flow_id, flow_name, deployment_id, deployment_name, parameters, tags, state, state_id,
       state_type, state_name, state_timestamp, run_count, retry_policy, expected_start_time, start_time, end_time,
       total_run_time_ms, work_pool_name, work_queue_name, created_at, updated_at)
     SELECT md5(i::text)::uuid::text, 'bench-run-' || i, '00000000-0000-4000-9000-' || lpad((i % 1013 % ${FLOWS})::text, 12, '0'),
       'bench-flow-' || (i % 1013 % ${FLOWS}),
       CASE WHEN i % 10 = 0 THEN NULL ELSE '00000000-0000-4000-8000-' || lpad((i % 1009 % ${DEPLOYMENTS})::text, 12, '0') END,
       CASE WHEN i % 10 = 0 THEN NULL ELSE 'deployment-' || (i % 1009 % ${DEPLOYMENTS}) END,
       jsonb_build_object('n', i), CASE WHEN i % 101 = 7 THEN '["rare"]'::jsonb ELSE '["bench"]'::jsonb END,
       jsonb_build_object('id', md5('s' || i)::uuid::text, 'type', st, 'name', sn, 'timestamp', ts, 'message', NULL,
         'scheduledTime', NULL, 'result', NULL, 'error', NULL, 'details', NULL),
       md5('s' || i)::uuid::text, st, sn, ts, 1, '{"retries":0,"retryDelaySeconds":[0]}', ts, ts, ts, 10,
       'pool-' || (i % 2), 'default', ts, ts
     FROM (
       SELECT i, ${mixCase(0)} AS st, ${mixCase(1)} AS sn, ts
       FROM (
         SELECT i, (i * 37) % 100 AS slot,
           to_char(timestamp '2026-08-01' + (i::bigint * ${SPAN_MS / runs}) * interval '1 millisecond', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts
         FROM generate_series(0, $1::int - 1) AS i
       ) AS s
     ) AS g`,
    [runs],
  );
  // What autovacuum would do soon after a bulk load: statistics, and the visibility map that
  // index-only scans (the counts) rely on.
  await client.query("VACUUM ANALYZE flow_runs");
}

/** Seed `runs` flow runs into the (migrated) SQLite database `file`. */
export function seedSqlite(file: string, runs: number): void {
  const connection = new Database(file);
  try {
    connection.pragma("journal_mode = WAL");
    // As the server's connections: the 006 triggers' statement journals stay in memory.
    connection.pragma("temp_store = MEMORY");
    const insertFlow = connection.prepare(`INSERT INTO flows (id, name, tags, created_at, updated_at) VALUES (?, ?, '[]', ?, ?)`);
    const insertRun = connection.prepare(
      `INSERT INTO flow_runs (id, name, flow_id, flow_name, deployment_id, deployment_name, parameters, tags, state, state_id,
         state_type, state_name, state_timestamp, run_count, retry_policy, expected_start_time, start_time, end_time,
         total_run_time_ms, work_pool_name, work_queue_name, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, '{"retries":0,"retryDelaySeconds":[0]}', ?, ?, ?, 10, ?, 'default', ?, ?)`,
    );
    const step = SPAN_MS / runs;
    // Flow, deployment and tag are taken modulo primes so that they do not follow the state mix.
    connection.transaction(() => {
      const now = new Date().toISOString();
      for (let f = 0; f < FLOWS; f++) insertFlow.run(flowIdOf(f), `bench-flow-${f}`, now, now);
      for (let i = 0; i < runs; i++) {
        const [type, name] = STATE_MIX[stateIndexOf(i)] ?? ["COMPLETED", "Completed"];
        const ts = new Date(FIRST_RUN_MS + Math.floor(i * step)).toISOString();
        const stateId = crypto.randomUUID();
        const state = JSON.stringify({ id: stateId, type, name, timestamp: ts, message: null, scheduledTime: null, result: null, error: null, details: null });
        const hasDeployment = i % 10 !== 0;
        insertRun.run(
          crypto.randomUUID(),
          `bench-run-${i}`,
          flowIdOf((i % 1013) % FLOWS),
          `bench-flow-${(i % 1013) % FLOWS}`,
          hasDeployment ? deploymentIdOf((i % 1009) % DEPLOYMENTS) : null,
          hasDeployment ? `deployment-${(i % 1009) % DEPLOYMENTS}` : null,
          `{"n":${i}}`,
          i % 101 === 7 ? '["rare"]' : '["bench"]',
          state,
          stateId,
          type,
          name,
          ts,
          ts,
          ts,
          ts,
          `pool-${i % 2}`,
          ts,
          ts,
        );
      }
    })();
    connection.exec("ANALYZE");
  } finally {
    connection.close();
  }
}

/** One kind of request; `query(i)` builds the i-th request's query string. */
interface Scenario {
  name: string;
  path: "/api/flow-runs" | "/api/flow-runs/count";
  query(i: number): Record<string, string>;
  /** Follow the cursor this many pages before timing (the page timed is the next one). */
  pagesDeep?: number;
}

function windowOf(i: number, days: number): { startAfter: string; startBefore: string } {
  const start = FIRST_RUN_MS + (i % (100 - days)) * 86_400_000;
  return { startAfter: new Date(start).toISOString(), startBefore: new Date(start + days * 86_400_000).toISOString() };
}

const PAGE = "100";

const SCENARIOS: Scenario[] = [
  { name: "all runs, newest first (runs page default)", path: "/api/flow-runs", query: () => ({ limit: PAGE }) },
  { name: "state FAILED, 3-day window (DESIGN §8)", path: "/api/flow-runs", query: (i) => ({ stateType: "FAILED", ...windowOf(i, 3), limit: PAGE }) },
  { name: "state COMPLETED|FAILED alternating, 3-day window", path: "/api/flow-runs", query: (i) => ({ stateType: i % 2 ? "FAILED" : "COMPLETED", ...windowOf(i, 3), limit: PAGE }) },
  { name: "states FAILED,CRASHED, 7-day window", path: "/api/flow-runs", query: (i) => ({ stateType: "FAILED,CRASHED", ...windowOf(i, 7), limit: PAGE }) },
  { name: "states FAILED,CRASHED, no window", path: "/api/flow-runs", query: () => ({ stateType: "FAILED,CRASHED", limit: PAGE }) },
  { name: "state CRASHED (1%), no window", path: "/api/flow-runs", query: () => ({ stateType: "CRASHED", limit: PAGE }) },
  { name: "states RUNNING,SCHEDULED,CANCELLED,CRASHED (20%), 30-day window", path: "/api/flow-runs", query: (i) => ({ stateType: "RUNNING,SCHEDULED,CANCELLED,CRASHED", ...windowOf(i, 30), limit: PAGE }) },
  { name: "1-day window only", path: "/api/flow-runs", query: (i) => ({ ...windowOf(i, 1), limit: PAGE }) },
  { name: "deployment", path: "/api/flow-runs", query: (i) => ({ deploymentId: deploymentIdOf(1 + (i % (DEPLOYMENTS - 1))), limit: PAGE }) },
  { name: "deployment + state FAILED + 7-day window", path: "/api/flow-runs", query: (i) => ({ deploymentId: deploymentIdOf(1 + (i % (DEPLOYMENTS - 1))), stateType: "FAILED", ...windowOf(i, 7), limit: PAGE }) },
  { name: "flow + states FAILED,CRASHED", path: "/api/flow-runs", query: (i) => ({ flowName: `bench-flow-${i % FLOWS}`, stateType: "FAILED,CRASHED", limit: PAGE }) },
  { name: "tag 'rare' (1%)", path: "/api/flow-runs", query: () => ({ tag: "rare", limit: PAGE }) },
  { name: "tag no run has", path: "/api/flow-runs", query: () => ({ tag: "absent", limit: PAGE }) },
  { name: "tag 'bench' (99%)", path: "/api/flow-runs", query: () => ({ tag: "bench", limit: PAGE }) },
  { name: "tag 'rare' + state FAILED", path: "/api/flow-runs", query: () => ({ tag: "rare", stateType: "FAILED", limit: PAGE }) },
  { name: "tag 'bench' + states FAILED,CRASHED, 7-day window", path: "/api/flow-runs", query: (i) => ({ tag: "bench", stateType: "FAILED,CRASHED", ...windowOf(i, 7), limit: PAGE }) },
  { name: "tag 'rare', created order", path: "/api/flow-runs", query: () => ({ tag: "rare", sort: "CREATED_DESC", limit: PAGE }) },
  { name: "states COMPLETED,CRASHED, no window", path: "/api/flow-runs", query: () => ({ stateType: "COMPLETED,CRASHED", limit: PAGE }) },
  { name: "deployment + state CRASHED, no window", path: "/api/flow-runs", query: (i) => ({ deploymentId: deploymentIdOf(1 + (i % (DEPLOYMENTS - 1))), stateType: "CRASHED", limit: PAGE }) },
  { name: "work pool + state FAILED", path: "/api/flow-runs", query: (i) => ({ workPoolName: `pool-${i % 2}`, stateType: "FAILED", limit: PAGE }) },
  { name: "page 20 by cursor, all runs", path: "/api/flow-runs", query: () => ({ limit: PAGE }), pagesDeep: 19 },
  { name: "page 20 by cursor, states FAILED,CRASHED", path: "/api/flow-runs", query: () => ({ stateType: "FAILED,CRASHED", limit: PAGE }), pagesDeep: 19 },
  { name: "home: recent failures (CREATED_DESC, 8)", path: "/api/flow-runs", query: () => ({ stateType: "FAILED,CRASHED", sort: "CREATED_DESC", limit: "8" }) },
  { name: "home: Late runs (ASC, 20)", path: "/api/flow-runs", query: () => ({ stateName: "Late,AwaitingConcurrencySlot", sort: "EXPECTED_START_TIME_ASC", limit: "20" }) },
  { name: "count: all runs (runs page total)", path: "/api/flow-runs/count", query: () => ({}) },
  { name: "count: state COMPLETED (70%)", path: "/api/flow-runs/count", query: () => ({ stateType: "COMPLETED" }) },
  { name: "count: state FAILED, 3-day window", path: "/api/flow-runs/count", query: (i) => ({ stateType: "FAILED", ...windowOf(i, 3) }) },
  { name: "count: deployment", path: "/api/flow-runs/count", query: (i) => ({ deploymentId: deploymentIdOf(1 + (i % (DEPLOYMENTS - 1))) }) },
  { name: "count: tag 'rare' (1%)", path: "/api/flow-runs/count", query: () => ({ tag: "rare" }) },
  { name: "count: tag no run has", path: "/api/flow-runs/count", query: () => ({ tag: "absent" }) },
  { name: "count: tag 'bench' (99%)", path: "/api/flow-runs/count", query: () => ({ tag: "bench" }) },
  { name: "count: tag 'rare' + state FAILED", path: "/api/flow-runs/count", query: () => ({ tag: "rare", stateType: "FAILED" }) },
  { name: "count: tag 'bench' + state FAILED, 3-day window", path: "/api/flow-runs/count", query: (i) => ({ tag: "bench", stateType: "FAILED", ...windowOf(i, 3) }) },
  { name: "count: tag 'bench' + state FAILED (10%)", path: "/api/flow-runs/count", query: () => ({ tag: "bench", stateType: "FAILED" }) },
  { name: "count: home chart bucket (2 h, 4 types)", path: "/api/flow-runs/count", query: (i) => ({ stateType: "RUNNING,PENDING,CANCELLING,PAUSED", startAfter: new Date(FIRST_RUN_MS + i * 7_200_000).toISOString(), startBefore: new Date(FIRST_RUN_MS + (i + 1) * 7_200_000).toISOString() }) },
];

/** CPU milliseconds (user + system) of each of the given processes, from /proc. */
function cpuMsOf(pids: readonly number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      cpu.set(pid, processCpuMs(pid));
    } catch {
      // The process ended.
    }
  }
  return cpu;
}

/** CPU used between two snapshots by the processes alive at the second (a new one counts whole). */
function cpuMsBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

async function getJson(url: string): Promise<{ items?: unknown[]; nextCursor?: string | null; count?: number }> {
  const response = await fetch(url);
  const body = (await response.json()) as { items?: unknown[]; nextCursor?: string | null; count?: number };
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function runScenario(baseUrl: string, scenario: Scenario, requests: number, databasePids: () => Promise<number[]>, serverPid: number): Promise<ListRunsScenarioResult> {
  const urlOf = async (i: number): Promise<string> => {
    const query = new URLSearchParams(scenario.query(i));
    let url = `${baseUrl}${scenario.path}?${query}`;
    for (let page = 0; page < (scenario.pagesDeep ?? 0); page++) {
      const body = await getJson(url);
      if (!body.nextCursor) throw new Error(`${scenario.name}: only ${page + 1} pages`);
      url = `${baseUrl}${scenario.path}?${new URLSearchParams({ ...scenario.query(i), cursor: body.nextCursor })}`;
    }
    return url;
  };
  // A deep page is found once (sequentially: the cursor walk is not what is timed) and requested repeatedly.
  const deepUrl = scenario.pagesDeep ? await urlOf(0) : null;
  const urls = deepUrl !== null ? Array.from({ length: requests + 5 }, () => deepUrl) : await Promise.all(Array.from({ length: requests + 5 }, (_, i) => urlOf(i)));
  let lastResult = 0;
  for (const url of urls.slice(0, 5)) await getJson(url);
  const serverCpu0 = cpuMsOf([serverPid]);
  const databaseCpu0 = cpuMsOf(await databasePids());
  const times: number[] = [];
  for (const url of urls.slice(5)) {
    const started = performance.now();
    const body = await getJson(url);
    times.push(performance.now() - started);
    lastResult = body.items?.length ?? body.count ?? 0;
  }
  const serverCpuMs = cpuMsBetween(serverCpu0, cpuMsOf([serverPid]));
  const databasePidsAfter = await databasePids();
  // Backends only: parallel workers of a query come and go unseen (a count's CPU is undercounted).
  const databaseCpuMs = databasePidsAfter.length > 0 ? cpuMsBetween(databaseCpu0, cpuMsOf(databasePidsAfter)) : null;
  times.sort((a, b) => a - b);
  const at = (q: number): number => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10;
  const perRequest = (ms: number): number => Math.round((ms / requests) * 10) / 10;
  return {
    scenario: scenario.name,
    p50Ms: at(0.5),
    p95Ms: at(0.95),
    serverCpuMsPerRequest: perRequest(serverCpuMs),
    databaseCpuMsPerRequest: databaseCpuMs === null ? null : perRequest(databaseCpuMs),
    lastResult,
  };
}

/** Seed `runs` flow runs, start a server over them, and time the dashboard's list requests. */
export async function benchListRuns(runs = 1_000_000, requests = 100, database: "postgres" | "sqlite" = "postgres"): Promise<ListRunsResult> {
  const home = mkdtempSync(join(tmpdir(), "weir-bench-list-"));
  const schema = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const application = `weir_${schema}`;
  const admin = database === "postgres" ? new pg.Client({ connectionString: PG_URL }) : null;
  const databaseUrl = database === "postgres" ? `${PG_URL}?schema=${schema}&application_name=${application}` : `sqlite://${join(home, "bench.db")}`;
  let child: ChildProcess | null = null;
  try {
    if (admin) {
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
    }
    // First start: the migrations create the tables.
    const migrating = startWeirServer(home, databaseUrl, process.env, "inherit");
    child = migrating.child;
    await migrating.url;
    await stopProcess(child);
    const seedStarted = performance.now();
    if (admin) {
      await admin.query(`SET search_path TO ${schema}`);
      await seedPostgres(admin, runs);
    } else {
      seedSqlite(join(home, "bench.db"), runs);
    }
    const seedSeconds = Math.round((performance.now() - seedStarted) / 100) / 10;
    const serving = startWeirServer(home, databaseUrl, process.env, "inherit");
    child = serving.child;
    const url = await serving.url;
    const databasePids = async (): Promise<number[]> => {
      if (!admin) return [];
      const { rows } = await admin.query<{ pid: number }>("SELECT pid FROM pg_stat_activity WHERE application_name = $1", [application]);
      return rows.map((row) => row.pid);
    };
    const scenarios: ListRunsScenarioResult[] = [];
    const only = process.env.WEIR_BENCH_SCENARIO;
    for (const scenario of SCENARIOS) {
      if (only && !scenario.name.includes(only)) continue;
      const result = await runScenario(url, scenario, requests, databasePids, child.pid ?? 0);
      console.error(JSON.stringify(result));
      scenarios.push(result);
    }
    return { database, storedRuns: runs, seedSeconds, requests, scenarios };
  } finally {
    if (child) await stopProcess(child);
    if (admin) {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    }
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const database = process.env.WEIR_BENCH_DB === "sqlite" ? "sqlite" : "postgres";
  const result = await benchListRuns(Number(process.argv[2] ?? 1_000_000), Number(process.argv[3] ?? 100), database);
  console.log(`${result.database}: ${result.storedRuns.toLocaleString("en")} runs seeded in ${result.seedSeconds} s, ${result.requests} requests per scenario`);
  console.table(result.scenarios);
}
