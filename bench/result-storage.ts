/**
 * Per-task overhead of result persistence, per result store (local directory, `server` through a
 * real Weir server's API into its database, `s3://` against moto, a local S3-PROTOCOL STAND-IN),
 * for 1 KB and 1 MB results, against the same tasks with persistence off. Run alone:
 * `node --import tsx bench/result-storage.ts [tasks] [rounds]` (default 50 tasks, 3 rounds; the
 * server's database is SQLite in a temp folder, or PostgreSQL with WEIR_BENCH_POSTGRES_URL). Each
 * figure is the median of the rounds, in milliseconds per task (wall time on a shared machine:
 * compare backends, not absolute numbers). Not part of `npm run bench` (moto's start is slow).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpClient } from "../src/client/http-client.js";
import { flow, setClient, task } from "../src/index.js";
import { flushAll } from "../src/sdk/client-provider.js";
import { startServer } from "../src/server/start-server.js";
import { createBucket, MOTO_SKIP_REASON, startMoto, type MotoServer } from "../test/results/moto-server.js";

const tasks = Number(process.argv[2] ?? 50);
const rounds = Number(process.argv[3] ?? 3);
const home = mkdtempSync(join(tmpdir(), "weir-bench-results-"));
process.env.WEIR_HOME = home;
process.env.WEIR_LOGGING_QUIET = "1";

const SIZES = { "1 KB": 1024, "1 MB": 1024 * 1024 } as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Milliseconds per task of `tasks` sequential tasks returning `size` bytes, stored in `storage` (null: not persisted). */
async function measure(storage: string | null, size: number): Promise<number> {
  const payload = new Uint8Array(size).fill(7);
  const make = task(
    { name: `payload-${storage ?? "none"}`, persistResult: storage !== null, ...(storage === null ? {} : { resultStorage: storage }) },
    async (index: number) => {
      const copy = payload.slice();
      copy[0] = index % 256;
      return copy;
    },
  );
  const run = flow({ name: "bench-result-storage" }, async () => {
    for (let index = 0; index < tasks; index += 1) await make(index);
  });
  const times: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const started = performance.now();
    await run();
    await flushAll();
    times.push((performance.now() - started) / tasks);
  }
  return median(times);
}

const server = await startServer({ port: 0, databaseUrl: process.env.WEIR_BENCH_POSTGRES_URL ?? `sqlite://${join(home, "weir.db")}`, runServices: false, uiDir: null, log: () => undefined });
const client = new HttpClient({ apiUrl: server.url });
setClient(client);
let moto: MotoServer | null = null;
try {
  const stores: Array<[string, string | null]> = [["none", null], ["local", join(home, "storage")], ["server", "server"]];
  if (MOTO_SKIP_REASON === null) {
    moto = await startMoto();
    Object.assign(process.env, moto.env);
    await createBucket(moto, "bench-results");
    stores.push(["s3 (moto)", "s3://bench-results/bench"]);
  } else {
    console.log(`s3: skipped (${MOTO_SKIP_REASON})`);
  }
  console.log(`result storage: ms per task, ${tasks} sequential tasks, median of ${rounds} rounds`);
  console.log(["store".padEnd(10), ...Object.keys(SIZES).map((label) => label.padStart(10))].join(" "));
  for (const [label, storage] of stores) {
    const cells: string[] = [];
    for (const size of Object.values(SIZES)) cells.push((await measure(storage, size)).toFixed(2).padStart(10));
    console.log([label.padEnd(10), ...cells].join(" "));
  }
} finally {
  await flushAll();
  setClient(null);
  await client.close();
  await server.close();
  await moto?.stop();
  rmSync(home, { recursive: true, force: true });
}
