/**
 * Overhead per trivial task inside a flow, every task run and state persisted (DESIGN §8 budget:
 * ≤ 25 µs per task at 10,000 tasks): sequential `await t(i)`, and `t.map(items)`, against the
 * same loop of plain async calls. Run alone: `node --import tsx bench/task-overhead.ts [tasks]`
 * (SQLite in a temp folder, and PostgreSQL at WEIR_BENCH_POSTGRES_URL or the test database).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { InProcessClient } from "../src/client/in-process-client.js";
import { flow, task, setClient } from "../src/index.js";
import { releaseClient } from "../src/sdk/client-provider.js";

/** Microseconds per task of each way of running `tasks` trivial tasks. */
export interface TaskOverheadResult {
  sequentialUsPerTask: number;
  mapUsPerTask: number;
  plainUsPerTask: number;
  /** CPU time of this process (user + system) per task; wall time is unreliable on a shared machine. */
  sequentialCpuUsPerTask: number;
  mapCpuUsPerTask: number;
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

/** Measure task overhead against one database (flow end includes flushing every buffered write). */
export async function benchTaskOverhead({ databaseUrl, tasks }: { databaseUrl: string; tasks: number }): Promise<TaskOverheadResult> {
  const client = await InProcessClient.open({ databaseUrl });
  setClient(client);
  const quiet = process.env.WEIR_LOGGING_QUIET;
  process.env.WEIR_LOGGING_QUIET = "1";
  try {
    await sequentialFlow({ count: 200 });
    await mapFlow({ count: 200 });
    const sequential = await timePerTask(tasks, () => sequentialFlow({ count: tasks }));
    const map = await timePerTask(tasks, () => mapFlow({ count: tasks }));
    const plain = await timePerTask(tasks, async () => {
      let total = 0;
      for (let index = 0; index < tasks; index += 1) total = await trivial(total);
      return total;
    });
    return {
      sequentialUsPerTask: sequential.wallUs,
      mapUsPerTask: map.wallUs,
      plainUsPerTask: plain.wallUs,
      sequentialCpuUsPerTask: sequential.cpuUs,
      mapCpuUsPerTask: map.cpuUs,
    };
  } finally {
    await releaseClient(client);
    setClient(null);
    if (quiet === undefined) delete process.env.WEIR_LOGGING_QUIET;
    else process.env.WEIR_LOGGING_QUIET = quiet;
    await client.close();
  }
}

async function timePerTask(tasks: number, body: () => Promise<unknown>): Promise<{ wallUs: number; cpuUs: number }> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  await body();
  const used = process.cpuUsage(cpu);
  return { wallUs: Number(process.hrtime.bigint() - started) / 1000 / tasks, cpuUs: (used.user + used.system) / tasks };
}

async function main(): Promise<void> {
  const tasks = Number(process.argv[2] ?? 10_000);
  const dir = mkdtempSync(join(tmpdir(), "weir-bench-"));
  process.env.WEIR_HOME = dir;
  const rows: Array<[string, TaskOverheadResult]> = [];
  try {
    rows.push(["sqlite", await benchTaskOverhead({ databaseUrl: `sqlite://${join(dir, "bench.db")}`, tasks })]);
    const base = process.env.WEIR_BENCH_POSTGRES_URL ?? "postgres://postgres@127.0.0.1:5432/test";
    const schema = `bench_${process.pid}`;
    const admin = new pg.Client({ connectionString: base });
    try {
      await admin.connect();
      await admin.query(`CREATE SCHEMA "${schema}"`);
      rows.push(["postgres", await benchTaskOverhead({ databaseUrl: `${base}?schema=${schema}`, tasks })]);
    } catch (error) {
      process.stderr.write(`postgres skipped: ${error instanceof Error ? error.message : String(error)}\n`);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const format = (value: number): string => value.toFixed(2).padStart(12);
  process.stdout.write(`task overhead, ${tasks} trivial tasks, µs per task (budget ≤ 25 µs over plain)\n`);
  process.stdout.write(`${"database".padEnd(10)}${"sequential".padStart(12)}${"map".padStart(12)}${"plain".padStart(12)}${"seq cpu".padStart(12)}${"map cpu".padStart(12)}\n`);
  for (const [name, result] of rows) {
    const cells = [result.sequentialUsPerTask, result.mapUsPerTask, result.plainUsPerTask, result.sequentialCpuUsPerTask, result.mapCpuUsPerTask];
    process.stdout.write(`${name.padEnd(10)}${cells.map(format).join("")}\n`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
