/**
 * Benchmark of deployments (issue 4, DESIGN §8), on PostgreSQL (WEIR_BENCH_DATABASE_URL, default
 * a fresh schema of postgres://postgres@127.0.0.1:5432/test; pass a sqlite:// URL to compare):
 * - run created → flow body starts (the run's Running state), warm served flow, p50/p99 over 200 runs;
 * - the same with a fresh child process per run (worker), p50/p99 over fewer runs;
 * - trivial runs completed per second through a server and 1 or 4 workers (a process per run);
 * - 40 sequential fibo(10) tasks and 10 fibo(33) tasks in one deployment run via server + worker
 *   (started 3 s before, so that its warm spares have booted):
 *   overhead per task = (run time − the same computation without Weir) / tasks.
 * Run alone: `node --conditions=weir-source --import tsx bench/deployment-latency.ts [servedRuns] [processRuns]`
 * (its flows import "weirflow": the condition makes that this src/, as the rest of this process).
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { HttpClient } from "../src/client/http-client.js";
import { InProcessClient } from "../src/client/in-process-client.js";
import type { OrchestrationApi } from "../src/client/orchestration-api.js";
import type { FlowRun } from "../src/core/models.js";
import { isTerminalStateType } from "../src/core/states.js";
import { serveFlow } from "../src/sdk/serve.js";
import { startServer } from "../src/server/start-server.js";
import { startWorker } from "../src/worker/start-worker.js";
import { fibo, trivial } from "./deployment-latency-flows.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const FLOWS = "bench/deployment-latency-flows.ts";

/** p50 / p99 / max of milliseconds. */
export interface LatencySummary {
  runs: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;
  return { runs: sorted.length, p50Ms: at(0.5), p99Ms: at(0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN };
}

/** A fresh benchmark database URL and how to drop it. */
export async function benchDatabase(): Promise<{ url: string; dispose(): Promise<void> }> {
  const given = process.env.WEIR_BENCH_DATABASE_URL;
  if (given) return { url: given, dispose: async () => undefined };
  const base = "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_${crypto.randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  return {
    url: `${base}?schema=${schema}`,
    async dispose() {
      const cleaner = new pg.Client({ connectionString: base });
      await cleaner.connect();
      await cleaner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleaner.end();
    },
  };
}

async function waitTerminal(client: OrchestrationApi, ids: string[], timeoutMs: number): Promise<FlowRun[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await Promise.all(ids.map((id) => client.readFlowRun(id)));
    if (runs.every((run) => isTerminalStateType(run.stateType))) return runs;
    if (Date.now() > deadline) throw new Error(`runs not finished after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function startLatencyMs(client: OrchestrationApi, run: FlowRun): Promise<number> {
  const states = await client.readFlowRunStates(run.id);
  const running = states.find((state) => state.type === "RUNNING");
  if (!running) throw new Error(`run ${run.id} never ran (${states.map((s) => s.name).join(" → ")})`);
  return Date.parse(running.timestamp) - Date.parse(run.createdAt);
}

/** Warm served flow: create a run, wait for it, 200 times in sequence. */
export async function benchServedLatency(databaseUrl: string, runs = 200): Promise<LatencySummary> {
  const client = await InProcessClient.open({ databaseUrl });
  const stop = new AbortController();
  let deploymentId = "";
  const serving = serveFlow(trivial, { name: "bench-served", client, signal: stop.signal, entrypoint: `${FLOWS}:trivial`, onReady: (d) => (deploymentId = d.id) });
  try {
    while (deploymentId === "") await new Promise((resolve) => setTimeout(resolve, 5));
    const latencies: number[] = [];
    for (let i = 0; i < runs + 5; i++) {
      const run = await client.createDeploymentFlowRun(deploymentId);
      await waitTerminal(client, [run.id], 30_000);
      if (i >= 5) latencies.push(await startLatencyMs(client, run));
    }
    return summarize(latencies);
  } finally {
    stop.abort();
    await serving;
    await client.close();
  }
}

/** What the server + worker benchmarks share. */
export interface ServerBench {
  client: HttpClient;
  apiUrl: string;
  close(): Promise<void>;
}

export async function startBenchServer(databaseUrl: string): Promise<ServerBench> {
  const server = await startServer({ port: 0, databaseUrl, uiDir: null, log: () => undefined, runServices: false });
  const client = new HttpClient({ apiUrl: server.url });
  return { client, apiUrl: server.url, close: async () => (await client.close(), await server.close()) };
}

async function withWorkers<T>(bench: ServerBench, count: number, queue: string, fn: () => Promise<T>, settleMs = 0): Promise<T> {
  const stop = new AbortController();
  const workers = await Promise.all(
    Array.from({ length: count }, (_, index) =>
      startWorker({ client: bench.client, workQueueNames: [queue], name: `bench-${queue}-${index}`, limit: 4, pollIntervalMs: 1000, apiUrl: bench.apiUrl, signal: stop.signal }),
    ),
  );
  try {
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return await fn();
  } finally {
    stop.abort();
    await Promise.all(workers.map((worker) => worker.stopped));
  }
}

/** Fresh child process per run: run created → Running, sequentially. */
export async function benchProcessLatency(bench: ServerBench, runs = 20): Promise<LatencySummary> {
  const deployment = await bench.client.upsertDeployment({ name: "bench-process", flowName: "bench-trivial", entrypoint: `${FLOWS}:trivial`, path: ROOT, workQueueName: "bench-latency" });
  return withWorkers(bench, 1, "bench-latency", async () => {
    const latencies: number[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await bench.client.createDeploymentFlowRun(deployment.id);
      await waitTerminal(bench.client, [run.id], 60_000);
      latencies.push(await startLatencyMs(bench.client, run));
    }
    return summarize(latencies);
  });
}

/** Trivial runs completed per second with `workers` workers (a process per run). */
export async function benchThroughput(bench: ServerBench, workers: number, runs = 40): Promise<number> {
  const queue = `bench-throughput-${workers}`;
  const deployment = await bench.client.upsertDeployment({ name: queue, flowName: "bench-trivial", entrypoint: `${FLOWS}:trivial`, path: ROOT, workQueueName: queue });
  const ids = await Promise.all(Array.from({ length: runs }, () => bench.client.createDeploymentFlowRun(deployment.id).then((run) => run.id)));
  return withWorkers(bench, workers, queue, async () => {
    const started = performance.now();
    await waitTerminal(bench.client, ids, 600_000);
    return runs / ((performance.now() - started) / 1000);
  });
}

const FIBO_SETTLE_MS = 3000;

/**
 * Overhead per task of `count` sequential fibo(n) tasks in one deployment run. The run is created
 * once the worker has run 3 s, as a worker in service has: its warm spares have booted (booting
 * one takes about half a second of CPU, which a run computing on the same 2 cores would share).
 */
export async function benchFiboOverhead(bench: ServerBench, n: number, count: number): Promise<{ runMs: number; computeMs: number; overheadPerTaskMs: number }> {
  const deployment = await bench.client.upsertDeployment({
    name: `bench-fibo-${n}`,
    flowName: "bench-fibo-chain",
    entrypoint: `${FLOWS}:fiboChain`,
    path: ROOT,
    workQueueName: "bench-fibo",
    parameters: { n, count },
  });
  const computeStarted = performance.now();
  for (let i = 0; i < count; i++) fibo(n);
  const computeMs = performance.now() - computeStarted;
  return withWorkers(bench, 1, "bench-fibo", async () => {
    const run = await bench.client.createDeploymentFlowRun(deployment.id);
    const [finished] = await waitTerminal(bench.client, [run.id], 600_000);
    const states = await bench.client.readFlowRunStates(run.id);
    const running = states.find((state) => state.type === "RUNNING");
    const runMs = Date.parse(finished?.endTime ?? "") - Date.parse(running?.timestamp ?? "");
    return { runMs, computeMs, overheadPerTaskMs: (runMs - computeMs) / count };
  }, FIBO_SETTLE_MS);
}

function progress(line: string): void {
  process.stderr.write(`deployment-latency: ${line}\n`);
}

function row(name: string, value: string, budget: string): string {
  return `| ${name.padEnd(58)} | ${value.padEnd(30)} | ${budget.padEnd(16)} |`;
}

/** Run every measurement and print a table. */
export async function main(servedRuns = 200, processRuns = 20): Promise<void> {
  const database = await benchDatabase();
  const lines = [row("measure", "result", "budget"), row("-".repeat(58), "-".repeat(30), "-".repeat(16))];
  try {
    const served = await benchServedLatency(database.url, servedRuns);
    progress(`served p50 ${served.p50Ms} ms`);
    lines.push(row(`created → body start, warm served flow (${served.runs} runs)`, `p50 ${served.p50Ms} ms, p99 ${served.p99Ms} ms`, "p50 ≤ 10, p99 ≤ 50"));
    const bench = await startBenchServer(database.url);
    try {
      const fresh = await benchProcessLatency(bench, processRuns);
      progress(`fresh process p50 ${fresh.p50Ms} ms`);
      lines.push(row(`created → body start, fresh process (${fresh.runs} runs)`, `p50 ${fresh.p50Ms} ms, p99 ${fresh.p99Ms} ms`, "p50 ≤ 300"));
      for (const workers of [1, 4]) {
        const perSecond = await benchThroughput(bench, workers, 40);
        progress(`${workers} worker(s): ${perSecond.toFixed(1)} runs/s`);
        lines.push(row(`trivial runs/s, ${workers} worker(s), process per run`, perSecond.toFixed(1), "(≥ 2,000 in-process)"));
      }
      const small = await benchFiboOverhead(bench, 10, 40);
      lines.push(row("40 × fibo(10) tasks in one run: overhead per task", `${small.overheadPerTaskMs.toFixed(2)} ms (run ${small.runMs} ms)`, "≤ 3 ms"));
      progress(`fibo(10) overhead ${small.overheadPerTaskMs.toFixed(2)} ms/task`);
      const big = await benchFiboOverhead(bench, 33, 10);
      lines.push(row("10 × fibo(33) tasks in one run: overhead per task", `${big.overheadPerTaskMs.toFixed(2)} ms (run ${big.runMs} ms)`, "-"));
    } finally {
      await bench.close();
    }
  } finally {
    await database.dispose();
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await main(Number(process.argv[2] ?? 200), Number(process.argv[3] ?? 20));
  process.exit(0);
}
