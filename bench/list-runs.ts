/**
 * Benchmark: the runs list API with many flow runs stored (default 1,000,000 on PostgreSQL),
 * filtered by state type and a time range; p50/p95 over repeated requests to a real server.
 * Seeding is one INSERT … SELECT generate_series into a fresh schema (the server's migrations
 * create the tables). Run alone: `node --import tsx bench/list-runs.ts [runs]`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { readServerUrl } from "./server-url.js";

const BIN = fileURLToPath(new URL("../bin/weir.js", import.meta.url));
const PG_URL = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** Figures of the list-runs benchmark. */
export interface ListRunsResult {
  storedRuns: number;
  seedSeconds: number;
  requests: number;
  p50Ms: number;
  p95Ms: number;
}

async function seed(client: pg.Client, runs: number): Promise<void> {
  const flowId = crypto.randomUUID();
  await client.query(
    `INSERT INTO flows (id, name, tags, created_at, updated_at) VALUES ($1, 'bench-flow', '[]', now()::text, now()::text)`,
    [flowId],
  );
  // Runs spread over 100 days, states cycling through four types.
  await client.query(
    `INSERT INTO flow_runs (id, name, flow_id, flow_name, parameters, tags, state, state_id, state_type, state_name,
       state_timestamp, run_count, retry_policy, expected_start_time, total_run_time_ms, created_at, updated_at)
     SELECT md5(i::text)::uuid::text, 'run-' || i, $1, 'bench-flow', '{}', '[]',
       json_build_object('id', md5('s' || i::text)::uuid::text, 'type', st, 'name', sn, 'timestamp', ts)::jsonb,
       md5('s' || i::text)::uuid::text, st, sn, ts, 1, '{"retries":0,"retryDelaySeconds":[0]}', ts, 10, ts, ts
     FROM (
       SELECT i,
         (ARRAY['COMPLETED','FAILED','RUNNING','SCHEDULED'])[1 + i % 4] AS st,
         (ARRAY['Completed','Failed','Running','Scheduled'])[1 + i % 4] AS sn,
         to_char((timestamp '2026-08-01' + (i * interval '8640 milliseconds')), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts
       FROM generate_series(1, $2::int) AS i
     ) AS g`,
    [flowId, runs],
  );
  await client.query("ANALYZE flow_runs");
}

/** Seed `runs` flow runs, start a server over them, and time list requests. */
export async function benchListRuns(runs = 1_000_000, requests = 200): Promise<ListRunsResult> {
  const schema = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  const home = mkdtempSync(join(tmpdir(), "weir-bench-list-"));
  const child = spawn(process.execPath, [BIN, "server", "start", "--port", "0"], {
    env: { ...process.env, WEIR_HOME: home, WEIR_DATABASE_URL: `${PG_URL}?schema=${schema}` },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const url = await readServerUrl(child);
    await admin.query(`SET search_path TO ${schema}`);
    const seedStarted = performance.now();
    await seed(admin, runs);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const day = 1 + (i % 90);
      const from = new Date(Date.UTC(2026, 7, day)).toISOString();
      const to = new Date(Date.UTC(2026, 7, day + 3)).toISOString();
      const stateType = ["COMPLETED", "FAILED"][i % 2];
      const started = performance.now();
      const response = await fetch(`${url}/api/flow-runs?stateType=${stateType}&startAfter=${from}&startBefore=${to}&limit=50`);
      const body = (await response.json()) as { items: unknown[] };
      times.push(performance.now() - started);
      if (!response.ok || body.items.length === 0) throw new Error(`list failed: ${response.status}`);
    }
    times.sort((a, b) => a - b);
    const at = (q: number): number => Math.round((times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0) * 10) / 10;
    return { storedRuns: runs, seedSeconds: Math.round(seedSeconds), requests, p50Ms: at(0.5), p95Ms: at(0.95) };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    await admin.query(`DROP SCHEMA ${schema} CASCADE`);
    await admin.end();
    rmSync(home, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await benchListRuns(Number(process.argv[2] ?? 1_000_000)));
}
