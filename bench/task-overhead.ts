/**
 * Overhead per trivial task inside a flow, every task run and state persisted (DESIGN §8 budget:
 * ≤ 25 µs per task at 10,000 tasks): sequential `await t(i)`, and `t.map(items)`, against the
 * same loop of plain async calls. Run alone: `node --import tsx bench/task-overhead.ts [tasks]
 * [rounds]` (SQLite in a temp folder, and PostgreSQL at WEIR_BENCH_POSTGRES_URL or the test
 * database). Each figure is the median of `rounds` runs (default 3): on a shared machine single
 * runs vary by 2×. CPU columns are this process's CPU time (all its threads, GC included); on
 * PostgreSQL, "db cpu" is the CPU time of the server processes serving this benchmark.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { InProcessClient } from "../src/client/in-process-client.js";
import { flow, task, setClient } from "../src/index.js";
import { releaseClient } from "../src/sdk/client-provider.js";
import { processCpuMs } from "./process-cpu.js";

/** Microseconds per task of each way of running `tasks` trivial tasks. */
export interface TaskOverheadResult {
  sequentialUsPerTask: number;
  mapUsPerTask: number;
  plainUsPerTask: number;
  /** CPU time of this process (user + system) per task; wall time is unreliable on a shared machine. */
  sequentialCpuUsPerTask: number;
  mapCpuUsPerTask: number;
  /** CPU time of the database server per task (null when the database runs in this process). */
  sequentialDbCpuUsPerTask: number | null;
  mapDbCpuUsPerTask: number | null;
}

const trivial = async (value: number): Promise<number> => value + 1;
const increment = task("increment", trivial);

const sequentialFlow = flow("bench-sequential", async ({ count }: { count: number }) => {
  let total = 0;
  for (let index = 0; index < count; index += 1) total = await increment(total);
  return total;
});

const mapFlow = flow("bench-map", async ({ count }: { count: number }) => {
  const values = await increment.map(Array.from({ length: count }, (_, index) => index)).result();
  return values.length;
});

/** Options of one measurement. */
export interface TaskOverheadOptions {
  databaseUrl: string;
  tasks: number;
  /** @default 3 */
  rounds?: number;
  /** CPU milliseconds used so far by the database server, when it is a separate process. */
  databaseCpuMs?: () => Promise<number>;
}

/** Measure task overhead against one database (flow end includes flushing every buffered write). */
export async function benchTaskOverhead({ databaseUrl, tasks, rounds = 3, databaseCpuMs }: TaskOverheadOptions): Promise<TaskOverheadResult> {
  const client = await InProcessClient.open({ databaseUrl });
  setClient(client);
  const quiet = process.env.WEIR_LOGGING_QUIET;
  process.env.WEIR_LOGGING_QUIET = "1";
  try {
    await sequentialFlow({ count: 200 });
    await mapFlow({ count: 200 });
    const sequential: Timing[] = [];
    const map: Timing[] = [];
    const plain: Timing[] = [];
    for (let round = 0; round < rounds; round += 1) {
      sequential.push(await timePerTask(tasks, () => sequentialFlow({ count: tasks }), databaseCpuMs));
      map.push(await timePerTask(tasks, () => mapFlow({ count: tasks }), databaseCpuMs));
      plain.push(
        await timePerTask(tasks, async () => {
          let total = 0;
          for (let index = 0; index < tasks; index += 1) total = await trivial(total);
          return total;
        }),
      );
    }
    return {
      sequentialUsPerTask: median(sequential, "wallUs")!,
      mapUsPerTask: median(map, "wallUs")!,
      plainUsPerTask: median(plain, "wallUs")!,
      sequentialCpuUsPerTask: median(sequential, "cpuUs")!,
      mapCpuUsPerTask: median(map, "cpuUs")!,
      sequentialDbCpuUsPerTask: median(sequential, "dbCpuUs"),
      mapDbCpuUsPerTask: median(map, "dbCpuUs"),
    };
  } finally {
    await releaseClient(client);
    setClient(null);
    if (quiet === undefined) delete process.env.WEIR_LOGGING_QUIET;
    else process.env.WEIR_LOGGING_QUIET = quiet;
    await client.close();
  }
}

interface Timing {
  wallUs: number;
  cpuUs: number;
  dbCpuUs: number | null;
}

async function timePerTask(tasks: number, body: () => Promise<unknown>, databaseCpuMs?: () => Promise<number>): Promise<Timing> {
  const dbStarted = databaseCpuMs ? await databaseCpuMs() : null;
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await body();
  const used = process.cpuUsage(cpu);
  const wallUs = Number(process.hrtime.bigint() - started) / 1000 / tasks;
  const dbCpuUs = databaseCpuMs && dbStarted !== null ? ((await databaseCpuMs()) - dbStarted) * 1000 / tasks : null;
  return { wallUs, cpuUs: (used.user + used.system) / tasks, dbCpuUs };
}

function median(timings: readonly Timing[], key: keyof Timing): number | null {
  const values = timings.map((timing) => timing[key]).filter((value): value is number => value !== null).sort((a, b) => a - b);
  return values.length === 0 ? null : values[Math.floor(values.length / 2)]!;
}

/** CPU milliseconds of the PostgreSQL backends with this application name (they run on this machine). */
function postgresCpuMs(admin: pg.Client, applicationName: string): () => Promise<number> {
  return async () => {
    const { rows } = await admin.query<{ pid: number }>("select pid from pg_stat_activity where application_name = $1", [applicationName]);
    let total = 0;
    for (const { pid } of rows) total += processCpuMs(pid);
    return total;
  };
}

async function main(): Promise<void> {
  const tasks = Number(process.argv[2] ?? 10_000);
  const rounds = Number(process.argv[3] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), "weir-bench-"));
  process.env.WEIR_HOME = dir;
  const rows: Array<[string, TaskOverheadResult]> = [];
  try {
    rows.push(["sqlite", await benchTaskOverhead({ databaseUrl: `sqlite://${join(dir, "bench.db")}`, tasks, rounds })]);
    const base = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    const schema = `bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    try {
      await admin.connect();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      const url = new URL(base);
      url.searchParams.set("schema", schema);
      url.searchParams.set("application_name", schema);
      const databaseCpuMs = postgresCpuMs(admin, schema);
      // /proc of the server is readable only when PostgreSQL runs on this machine.
      const isLocal = await databaseCpuMs().then(() => true, () => false);
      rows.push(["postgres", await benchTaskOverhead({ databaseUrl: url.toString(), tasks, rounds, ...(isLocal ? { databaseCpuMs } : {}) })]);
    } catch (error) {
      process.stderr.write(`postgres skipped: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const format = (value: number | null): string => (value === null ? "-" : value.toFixed(2)).padStart(12);
  process.stdout.write(`task overhead, ${tasks} trivial tasks, µs per task, median of ${rounds} (budget ≤ 25 µs over plain)\n`);
  const headers = ["sequential", "map", "plain", "seq cpu", "map cpu", "seq db cpu", "map db cpu"];
  process.stdout.write(`${"database".padEnd(10)}${headers.map((header) => header.padStart(12)).join("")}\n`);
  for (const [name, result] of rows) {
    const cells = [
      result.sequentialUsPerTask, result.mapUsPerTask, result.plainUsPerTask, result.sequentialCpuUsPerTask, result.mapCpuUsPerTask,
      result.sequentialDbCpuUsPerTask, result.mapDbCpuUsPerTask,
    ];
    process.stdout.write(`${name.padEnd(10)}${cells.map(format).join("")}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
