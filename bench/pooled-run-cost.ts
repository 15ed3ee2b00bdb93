/**
 * Where a pooled run's CPU goes (issue 16): a `weir server start` on a fresh SQLite file (or a
 * fresh PostgreSQL schema, whose server processes' CPU is then reported too),
 * `runs` trivial deployment runs queued, then `workers` × `weir worker start --execution pooled
 * --limit 4` draining them. Reports, for the drain only: the server's CPU per run and its requests
 * per run by route (from its own `/metrics`), each worker's CPU, the run processes' CPU (their
 * start-up included) and the throughput. CPU is read from `/proc` (Linux), so it counts what each
 * process used, whatever else the machine was doing; the throughput does not.
 * Run alone: `node --import tsx bench/pooled-run-cost.ts [runs] [workers] [sqlite|postgres]` (after `npm run build`).
 * WEIR_BENCH_SERVER_NODE_ARGS gives the server process alone Node arguments, e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` for a profile of the server written when it stops;
 * WEIR_BENCH_WORKER_NODE_ARGS does the same for the workers.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { HttpClient } from "../src/client/http-client.js";
import { cpuReferenceMs } from "./cpu-reference.js";
import { processCpuMs } from "./process-cpu.js";
import { benchDatabase } from "./deployment-latency.js";
import { readServerUrl, stopProcess } from "./server-url.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "weir.js");

/** What the drain cost. */
export interface PooledRunCost {
  runs: number;
  workers: number;
  runsPerSecond: number;
  serverCpuMsPerRun: number;
  /** Requests the server answered during the drain, per run, by `METHOD route`. */
  requestsPerRun: Record<string, number>;
  workerCpuMsPerRun: number;
  runProcesses: number;
  runProcessCpuMsPerRun: number;
  /** PostgreSQL's own processes (every one on the machine, so run nothing else meanwhile); 0 on SQLite. */
  postgresCpuMsPerRun: number;
  database: "sqlite" | "postgres";
  /** The machine's speed when the run began (bench/cpu-reference.ts; lower is faster). */
  cpuReferenceMs: number;
}

/** CPU time (user + system) a process used so far, in ms; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    return processCpuMs(pid);
  } catch {
    return 0;
  }
}

/** The live processes `matches` picks (by pid), and their CPU in ms. */
function cpuOfProcesses(matches: (pid: string) => boolean): { count: number; ms: number } {
  let count = 0;
  let ms = 0;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!matches(entry)) continue;
      count += 1;
      ms += cpuMs(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return { count, ms };
}

/** CPU in ms of every live process whose command name is `name`. */
const cpuOfNamed = (name: string): number => cpuOfProcesses((pid) => readFileSync(`/proc/${pid}/comm`, "utf8").trim() === name).ms;

/** The live processes whose parent is one of `parents`, and their CPU in ms. */
const childrenCpu = (parents: ReadonlySet<number>): { count: number; ms: number } =>
  cpuOfProcesses((pid) => parents.has(Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1])));

async function requestCounts(url: string): Promise<Map<string, number>> {
  const text = await (await fetch(`${url}/metrics`)).text();
  const counts = new Map<string, number>();
  for (const line of text.split("\n")) {
    const match = /^weir_http_request_duration_seconds_count\{method="(\w+)",route="([^"]+)",status="\d+"\} (\d+)/.exec(line);
    if (match) counts.set(`${match[1]} ${match[2]}`, (counts.get(`${match[1]} ${match[2]}`) ?? 0) + Number(match[3]));
  }
  return counts;
}

/** Queue `runs`, drain them with `workers` pooled workers, and measure (see file header). */
export async function benchPooledRunCost(runs = 600, workers = 1, engine: "sqlite" | "postgres" = "sqlite"): Promise<PooledRunCost> {
  const cpuReference = cpuReferenceMs();
  const home = mkdtempSync(join(tmpdir(), "weir-bench-pooled-"));
  const database = engine === "sqlite" ? { url: `sqlite://${join(home, "weir.db")}`, dispose: async () => undefined } : await benchDatabase();
  const env: NodeJS.ProcessEnv = { ...process.env, WEIR_HOME: home, WEIR_DATABASE_URL: database.url, WEIR_LOGGING_QUIET: "1", WEIR_FROM_SOURCE: "0" };
  delete env.WEIR_API_URL;
  const nodeArgs = (name: string): string[] => (process.env[name] ?? "").split(" ").filter((arg) => arg !== "");
  const server = spawn(process.execPath, [...nodeArgs("WEIR_BENCH_SERVER_NODE_ARGS"), BIN, "server", "start", "--port", "0"], { env, stdio: ["ignore", "pipe", "inherit"] });
  const children: ChildProcess[] = [];
  try {
    const url = await readServerUrl(server);
    const client = new HttpClient({ apiUrl: `${url}/api` });
    await client.createWorkPool({ name: "cost" });
    const deployment = await client.upsertDeployment({ name: "cost", flowName: "bench-trivial", entrypoint: "bench/deployment-latency-flows.ts:trivial", path: ROOT, workPoolName: "cost" });
    for (let made = 0; made < runs; made += 50) await Promise.all(Array.from({ length: Math.min(50, runs - made) }, () => client.createDeploymentFlowRun(deployment.id)));
    const before = await requestCounts(url);
    const serverBefore = cpuMs(server.pid ?? 0);
    const postgresBefore = engine === "postgres" ? cpuOfNamed("postgres") : 0;
    const started = performance.now();
    for (let index = 0; index < workers; index++) {
      const worker = spawn(process.execPath, [...nodeArgs("WEIR_BENCH_WORKER_NODE_ARGS"), BIN, "worker", "start", "--pool", "cost", "--limit", "4", "--name", `cost-${index}`, "--poll-interval", "1", "--execution", "pooled"], {
        env: { ...env, WEIR_API_URL: `${url}/api` },
        stdio: ["ignore", "pipe", "pipe"],
      });
      worker.stdout.resume();
      worker.stderr.resume();
      children.push(worker);
    }
    for (;;) {
      const done = await client.countFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["COMPLETED", "FAILED", "CRASHED"] });
      if (done >= runs) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const seconds = (performance.now() - started) / 1000;
    const serverMs = cpuMs(server.pid ?? 0) - serverBefore;
    const postgresMs = engine === "postgres" ? cpuOfNamed("postgres") - postgresBefore : 0;
    const after = await requestCounts(url);
    const requestsPerRun: Record<string, number> = {};
    for (const [route, count] of after) {
      const made = count - (before.get(route) ?? 0);
      if (made / runs >= 0.005 && !route.endsWith("/metrics")) requestsPerRun[route] = Number((made / runs).toFixed(2));
    }
    const workerMs = children.reduce((sum, child) => sum + cpuMs(child.pid ?? 0), 0);
    const runProcesses = childrenCpu(new Set(children.map((child) => child.pid ?? 0)));
    await client.close();
    const perRun = (ms: number): number => Number((ms / runs).toFixed(1));
    return {
      runs,
      workers,
      runsPerSecond: Number((runs / seconds).toFixed(1)),
      serverCpuMsPerRun: perRun(serverMs),
      requestsPerRun,
      workerCpuMsPerRun: perRun(workerMs),
      runProcesses: runProcesses.count,
      runProcessCpuMsPerRun: perRun(runProcesses.ms),
      postgresCpuMsPerRun: perRun(postgresMs),
      database: engine,
      cpuReferenceMs: cpuReference,
    };
  } finally {
    await Promise.all(children.map((child) => stopProcess(child)));
    await stopProcess(server);
    rmSync(home, { recursive: true, force: true });
    await database.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(JSON.stringify(await benchPooledRunCost(Number(process.argv[2] ?? 600), Number(process.argv[3] ?? 1), process.argv[4] === "postgres" ? "postgres" : "sqlite"), null, 2));
}
