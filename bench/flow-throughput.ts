/**
 * Benchmark: trivial flow runs completed end to end per second, with full state history
 * (Pending → Running → Completed, each persisted), through the SDK's in-process client on one
 * database (default: a fresh PostgreSQL schema; pass a sqlite:// URL as WEIR_BENCH_DATABASE_URL
 * to compare). `concurrency` flows are in flight at once, as a served runner would run them.
 * Run alone: `node --import tsx bench/flow-throughput.ts [runs] [concurrency]`.
 *
 * Besides the rate it reports the CPU spent per run during the timed part: this process's
 * (user + system), and on PostgreSQL that of the server backends serving this benchmark's pool
 * (found by a unique application_name, read from /proc when the server is on this machine).
 * On a shared machine the rate moves with the load; CPU per run much less.
 */
import { fileURLToPath } from "node:url";
import pg from "pg";
import { InProcessClient } from "../src/client/in-process-client.js";
import { flow, setClient } from "../src/index.js";
import { releaseClient } from "../src/sdk/client-provider.js";
import { processCpuMs } from "./process-cpu.js";
import { benchDatabase } from "./deployment-latency.js";

/** Figures of one throughput measurement. */
export interface FlowThroughputResult {
  runs: number;
  concurrency: number;
  runsPerSecond: number;
  statesPerRun: number;
  /** CPU of this process per run (µs). */
  clientCpuUsPerRun: number;
  /** CPU of the PostgreSQL backends of this benchmark per run (µs); null when not measurable. */
  databaseCpuUsPerRun: number | null;
}

/** Runs completed before timing starts. */
const WARM_UP_RUNS = 500;

const trivialFlow = flow({ name: "bench-throughput", logPrints: false }, async () => 1);

/** Complete `runs` trivial flow runs, `concurrency` at a time, and count them per second. */
export async function benchFlowThroughput(runs = 5_000, concurrency = 32): Promise<FlowThroughputResult> {
  const database = await benchDatabase();
  const applicationName = `weir_bench_${process.pid}`;
  const isPostgres = database.url.startsWith("postgres");
  const url = isPostgres ? `${database.url}${database.url.includes("?") ? "&" : "?"}application_name=${applicationName}` : database.url;
  const client = await InProcessClient.open({ databaseUrl: url });
  setClient(client);
  process.env.WEIR_LOGGING_QUIET = "1";
  try {
    // Warm-up (not timed, not counted in `runs`): JIT, pool connections, prepared statements.
    const warmUpRuns = Math.max(concurrency, WARM_UP_RUNS);
    let warmed = 0;
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (warmed < warmUpRuns) {
          warmed += 1;
          await trivialFlow({});
        }
      }),
    );
    let next = 0;
    const backendsBefore = isPostgres ? await backendCpuMs(database.url, applicationName) : null;
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < runs) {
          next += 1;
          await trivialFlow({});
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    const backendsAfter = isPostgres ? await backendCpuMs(database.url, applicationName) : null;
    const sample = await client.listFlowRuns({ flowNames: ["bench-throughput"] }, { limit: 1 });
    const first = sample.items[0];
    const states = first ? await client.readFlowRunStates(first.id) : [];
    const completed = await client.countFlowRuns({ flowNames: ["bench-throughput"], stateTypes: ["COMPLETED"] });
    if (completed !== runs + warmUpRuns) throw new Error(`expected ${runs + warmUpRuns} completed runs, found ${completed}`);
    return {
      runs,
      concurrency,
      runsPerSecond: Math.round(runs / seconds),
      statesPerRun: states.length,
      clientCpuUsPerRun: Math.round((cpu.user + cpu.system) / runs),
      databaseCpuUsPerRun: backendsBefore === null || backendsAfter === null ? null : Math.round((cpuDelta(backendsBefore, backendsAfter) * 1000) / runs),
    };
  } finally {
    await releaseClient(client);
    await client.close();
    await database.dispose();
  }
}

// CPU milliseconds so far of each server backend whose application_name is `name` (null when
// the server's processes are not visible here).
async function backendCpuMs(baseUrl: string, name: string): Promise<Map<number, number> | null> {
  const admin = new pg.Client({ connectionString: baseUrl.replace(/\?.*$/, "") });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [name]);
    const out = new Map<number, number>();
    for (const { pid } of rows) out.set(pid, processCpuMs(pid));
    return out;
  } catch {
    return null;
  } finally {
    await admin.end();
  }
}

function cpuDelta(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchFlowThroughput(Number(process.argv[2] ?? 5_000), Number(process.argv[3] ?? 32)));
  process.exit(0);
}
