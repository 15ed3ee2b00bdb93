/**
 * Issue 4's fleet check with real processes, as a benchmark (too heavy for the test suites on 2
 * cores): a `weir server start` process on a fresh PostgreSQL schema (or WEIR_BENCH_DATABASE_URL),
 * `workers` × `weir worker start --pool fleet` processes, and `runs` trivial deployment runs queued
 * before the workers start: half in queue `low` (priority 2, created first, so due first) and half
 * in `high` (priority 1). It checks that every run was executed exactly once (one Pending, one
 * Running, Completed, runCount 1) and how many low runs were claimed before the last high one
 * (0 when priority holds; 6–31 on PostgreSQL in sessions 8–9, out of 1,000 low runs, because a
 * claim locked spare candidate rows that concurrent claims then skipped for low ones; 0 since a
 * claim's first page locks only the runs it may take, src/orchestration/claim-service.ts),
 * and reports runs completed per second for an execution mode of the workers (`process`: a process
 * per run, the default; `pooled`: long-lived run processes; `inline`), and how many run processes
 * started (pooled and inline start fewer than one per run).
 * Run alone: `node --import tsx bench/worker-fleet.ts [runs] [workers] [execution] [sqlite]`
 * (after `npm run build`); `sqlite` uses a fresh SQLite file instead of PostgreSQL;
 * WEIR_BENCH_FLEET_LIMIT sets each worker's `--limit` (default 4).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpClient } from "../src/client/http-client.js";
import type { FlowRun } from "../src/core/models.js";
import { cpuReferenceMs } from "./cpu-reference.js";
import { benchDatabase } from "./deployment-latency.js";
import { startWeir, startWeirServer, stopProcess } from "./server-url.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** Runs each worker executes at once (`--limit`); WEIR_BENCH_FLEET_LIMIT changes it. */
const LIMIT_PER_WORKER = Number(process.env.WEIR_BENCH_FLEET_LIMIT ?? 4);

/** What the fleet run found. */
export interface FleetResult {
  execution: string;
  database: string;
  runs: number;
  workers: number;
  seconds: number;
  runsPerSecond: number;
  executedExactlyOnce: number;
  lowClaimedBeforeLastHigh: number;
  runsPerWorker: Record<string, number>;
  /** Distinct run processes (the pids the runs' heartbeats carried). */
  runProcesses: number;
  /** Each worker's `--limit`. */
  limitPerWorker: number;
  /** The machine's speed when the run began (bench/cpu-reference.ts; lower is faster). */
  cpuReferenceMs: number;
}

/** Queue `runs` runs, start `workers` workers, wait for all, and check them. */
export async function benchWorkerFleet(runs = 2000, workers = 4, execution = "process", engine: "postgres" | "sqlite" = "postgres"): Promise<FleetResult> {
  const cpuReference = cpuReferenceMs();
  const home = mkdtempSync(join(tmpdir(), "weir-bench-fleet-"));
  const database = engine === "sqlite" ? { url: `sqlite://${join(home, "weir.db")}`, dispose: async () => undefined } : await benchDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env, WEIR_HOME: home, WEIR_DATABASE_URL: database.url, WEIR_LOGGING_QUIET: "1", WEIR_FROM_SOURCE: "0" };
  delete env.WEIR_API_URL;
  const server = startWeirServer(home, database.url, env);
  const children: ChildProcess[] = [server.child];
  try {
    const url = await server.url;
    const apiUrl = `${url}/api`;
    const client = new HttpClient({ apiUrl });
    await client.createWorkPool({ name: "fleet" });
    await client.createWorkQueue({ workPoolName: "fleet", name: "high", priority: 1 });
    await client.createWorkQueue({ workPoolName: "fleet", name: "low", priority: 2 });
    const deploymentOf = async (queue: string) =>
      client.upsertDeployment({ name: `fleet-${queue}`, flowName: "bench-trivial", entrypoint: "bench/deployment-latency-flows.ts:trivial", path: ROOT, workPoolName: "fleet", workQueueName: queue });
    const low = await deploymentOf("low");
    const high = await deploymentOf("high");
    const ids = { low: [] as string[], high: [] as string[] };
    for (const [queue, deployment] of [["low", low], ["high", high]] as const) {
      for (let made = 0; made < runs / 2; made += 50) {
        const batch = await Promise.all(Array.from({ length: Math.min(50, runs / 2 - made) }, () => client.createDeploymentFlowRun(deployment.id)));
        ids[queue].push(...batch.map((run) => run.id));
      }
    }
    const started = performance.now();
    for (let i = 0; i < workers; i++) {
      const worker = startWeir(["worker", "start", "--pool", "fleet", "--limit", String(LIMIT_PER_WORKER), "--name", `fleet-${i}`, "--poll-interval", "1", "--execution", execution], { ...env, WEIR_API_URL: apiUrl });
      // A worker echoes a line or two per run: unread, its pipe would fill and block it.
      worker.stdout?.resume();
      worker.stderr?.resume();
      children.push(worker);
    }
    const all = [...ids.low, ...ids.high];
    for (;;) {
      const done = await client.countFlowRuns({ deploymentIds: [low.id, high.id], stateTypes: ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"] });
      process.stderr.write(`worker-fleet: ${done}/${all.length} finished\r`);
      if (done >= all.length) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const seconds = (performance.now() - started) / 1000;
    process.stderr.write("\n");
    await Promise.all(children.splice(1).map((child) => stopProcess(child)));

    let executedExactlyOnce = 0;
    const pendingAt = new Map<string, number>();
    const runsPerWorker: Record<string, number> = {};
    const pids = new Set<string>();
    for (let index = 0; index < all.length; index += 20) {
      const slice = all.slice(index, index + 20);
      const checked = await Promise.all(
        slice.map(async (id): Promise<[FlowRun, string[], number]> => {
          const states = await client.readFlowRunStates(id);
          const pending = states.find((state) => state.name === "Pending");
          return [await client.readFlowRun(id), states.map((state) => state.name), Date.parse(pending?.timestamp ?? "")];
        }),
      );
      for (const [run, names, pending] of checked) {
        const once = run.stateName === "Completed" && run.runCount === 1 && names.filter((name) => name === "Pending").length === 1 && names.filter((name) => name === "Running").length === 1;
        if (once) executedExactlyOnce += 1;
        pendingAt.set(run.id, pending);
        if (run.infrastructurePid) pids.add(run.infrastructurePid);
        runsPerWorker[run.workerName ?? "?"] = (runsPerWorker[run.workerName ?? "?"] ?? 0) + 1;
      }
    }
    const lastHigh = Math.max(...ids.high.map((id) => pendingAt.get(id) ?? Number.NaN));
    const lowClaimedBeforeLastHigh = ids.low.filter((id) => (pendingAt.get(id) ?? Number.POSITIVE_INFINITY) < lastHigh).length;
    await client.close();
    return { execution, database: engine, runs: all.length, workers, seconds: Number(seconds.toFixed(1)), runsPerSecond: Number((all.length / seconds).toFixed(1)), executedExactlyOnce, lowClaimedBeforeLastHigh, runsPerWorker, runProcesses: pids.size, limitPerWorker: LIMIT_PER_WORKER, cpuReferenceMs: cpuReference };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    rmSync(home, { recursive: true, force: true });
    await database.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await benchWorkerFleet(Number(process.argv[2] ?? 2000), Number(process.argv[3] ?? 4), process.argv[4] ?? "process", process.argv[5] === "sqlite" ? "sqlite" : "postgres");
  console.log(JSON.stringify(result, null, 2));
  if (result.executedExactlyOnce !== result.runs) process.exitCode = 1;
}
