/**
 * Warm task overhead, HTTP mode beside embedded (issue 16): one flow of `tasks` sequential trivial
 * tasks, run `runs` times in this process, (1) embedded (the database in this process) and (2)
 * through the HTTP client against a `weir server start` of its own (a child process, compiled
 * dist/ when present) on the same kind of database. Each run is timed from the call to its return
 * (the run created, its tasks, every buffered write stored, its final state); a run's first call
 * pays for loading and JIT compilation, so the figures are the second run (what "run twice in one
 * process" measures) and the median of the runs after it. CPU columns: this process, and the
 * server process (read from /proc, 10 ms ticks). Run alone: `node --import tsx
 * bench/warm-task-overhead.ts [tasks] [runs] [sqlite|postgres…]` (PostgreSQL: a fresh schema of
 * WEIR_BENCH_POSTGRES_URL or the test database).
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { HttpClient } from "../src/client/http-client.js";
import { InProcessClient } from "../src/client/in-process-client.js";
import type { OrchestrationApi } from "../src/client/orchestration-api.js";
import { flow, task, setClient } from "../src/index.js";
import { releaseClient } from "../src/sdk/client-provider.js";
import { processCpuMs } from "./process-cpu.js";
import { startWeirServer, stopProcess } from "./server-url.js";

const increment = task("increment", async (value: number) => value + 1);

const sequentialFlow = flow({ name: "bench-warm-sequential", logPrints: false }, async ({ count }: { count: number }) => {
  let total = 0;
  for (let index = 0; index < count; index += 1) total = await increment(total);
  return total;
});

/** Microseconds per task of one run. */
interface RunTiming {
  wallUs: number;
  cpuUs: number;
  /** CPU of the server process per task (null when embedded). */
  serverCpuUs: number | null;
}

/** Figures of one mode on one database. */
export interface WarmOverhead {
  second: RunTiming;
  /** Median of runs 3…N (each column on its own). */
  later: RunTiming;
}

/** Run the flow `runs` times on `client` (the SDK's client meanwhile); `serverPid` is read for its CPU. */
export async function benchWarmRuns(client: OrchestrationApi, tasks: number, runs: number, serverPid: number | null): Promise<WarmOverhead> {
  setClient(client);
  const timings: RunTiming[] = [];
  try {
    for (let run = 0; run < runs; run += 1) {
      const serverBefore = serverPid === null ? 0 : processCpuMs(serverPid);
      const cpu = process.cpuUsage();
      const started = performance.now();
      await sequentialFlow({ count: tasks });
      const wallMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      timings.push({
        wallUs: (wallMs * 1000) / tasks,
        cpuUs: (used.user + used.system) / tasks,
        serverCpuUs: serverPid === null ? null : ((processCpuMs(serverPid) - serverBefore) * 1000) / tasks,
      });
    }
  } finally {
    await releaseClient(client);
    setClient(null);
  }
  const later = timings.slice(2);
  return {
    second: timings[1]!,
    later: { wallUs: median(later.map((t) => t.wallUs)), cpuUs: median(later.map((t) => t.cpuUs)), serverCpuUs: serverPid === null ? null : median(later.map((t) => t.serverCpuUs!)) },
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** A database of each kind for one measurement, and how to drop it. */
async function freshDatabase(kind: string, dir: string, label: string): Promise<{ url: string; dispose(): Promise<void> }> {
  if (kind === "sqlite") return { url: `sqlite://${join(dir, `${label}.db`)}`, dispose: async () => undefined };
  const base = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
  const schema = `bench_warm_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const url = new URL(base);
  url.searchParams.set("schema", schema);
  return {
    url: url.toString(),
    async dispose() {
      const cleaner = new pg.Client({ connectionString: base });
      await cleaner.connect();
      await cleaner.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await cleaner.end();
    },
  };
}

/** Both modes on one kind of database. */
export async function benchWarmOverhead(kind: string, tasks: number, runs: number): Promise<{ embedded: WarmOverhead; http: WarmOverhead }> {
  const dir = mkdtempSync(join(tmpdir(), "weir-bench-warm-"));
  const embeddedDb = await freshDatabase(kind, dir, "embedded");
  const httpDb = await freshDatabase(kind, dir, "http");
  let server: ChildProcess | null = null;
  try {
    const inProcess = await InProcessClient.open({ databaseUrl: embeddedDb.url });
    const embedded = await benchWarmRuns(inProcess, tasks, runs, null).finally(() => inProcess.close());
    const started = startWeirServer(dir, httpDb.url, { ...process.env, WEIR_LOGGING_QUIET: "1" });
    server = started.child;
    const overHttp = new HttpClient({ apiUrl: await started.url });
    const http = await benchWarmRuns(overHttp, tasks, runs, server.pid ?? null).finally(() => overHttp.close());
    return { embedded, http };
  } finally {
    if (server !== null) await stopProcess(server);
    await embeddedDb.dispose();
    await httpDb.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const tasks = Number(process.argv[2] ?? 400);
  const runs = Math.max(3, Number(process.argv[3] ?? 12));
  const kinds = process.argv.length > 4 ? process.argv.slice(4) : ["sqlite", "postgres"];
  process.env.WEIR_LOGGING_QUIET = "1";
  const cell = (value: number | null): string => (value === null ? "-" : value.toFixed(0)).padStart(9);
  const lines = [
    `warm task overhead, ${tasks} sequential trivial tasks per run, ${runs} runs in one process, µs per task`,
    `${"database".padEnd(10)}${"mode".padEnd(10)}${["2nd wall", "2nd cpu", "2nd srv", "3+ wall", "3+ cpu", "3+ srv", "× embed"].map((h) => h.padStart(9)).join("")}`,
  ];
  for (const kind of kinds) {
    try {
      const { embedded, http } = await benchWarmOverhead(kind, tasks, runs);
      for (const [mode, figures] of [["embedded", embedded], ["http", http]] as const) {
        const { second, later } = figures;
        const ratio = (later.wallUs / embedded.later.wallUs).toFixed(2).padStart(9);
        lines.push(`${kind.padEnd(10)}${mode.padEnd(10)}${[second.wallUs, second.cpuUs, second.serverCpuUs, later.wallUs, later.cpuUs, later.serverCpuUs].map(cell).join("")}${ratio}`);
      }
    } catch (error) {
      lines.push(`${kind}: skipped (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
