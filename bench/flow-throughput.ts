/**
 * Benchmark: trivial flow runs completed end to end per second, with full state history
 * (Pending → Running → Completed, each persisted), through the SDK's in-process client on one
 * database (default: a fresh PostgreSQL schema; pass a sqlite:// URL as WEIR_BENCH_DATABASE_URL
 * to compare). `concurrency` flows are in flight at once, as a served runner would run them.
 * Run alone: `node --import tsx bench/flow-throughput.ts [runs] [concurrency]`.
 */
import { fileURLToPath } from "node:url";
import { InProcessClient } from "../src/client/in-process-client.js";
import { flow, setClient } from "../src/index.js";
import { releaseClient } from "../src/sdk/client-provider.js";
import { benchDatabase } from "./deployment-latency.js";

/** Figures of one throughput measurement. */
export interface FlowThroughputResult {
  runs: number;
  concurrency: number;
  runsPerSecond: number;
  statesPerRun: number;
}

const trivialFlow = flow({ name: "bench-throughput", logPrints: false }, async () => 1);

/** Complete `runs` trivial flow runs, `concurrency` at a time, and count them per second. */
export async function benchFlowThroughput(runs = 5_000, concurrency = 32): Promise<FlowThroughputResult> {
  const database = await benchDatabase();
  const client = await InProcessClient.open({ databaseUrl: database.url });
  setClient(client);
  process.env.WEIR_LOGGING_QUIET = "1";
  try {
    await Promise.all(Array.from({ length: concurrency }, () => trivialFlow({})));
    let next = 0;
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
    const sample = await client.listFlowRuns({ flowNames: ["bench-throughput"] }, { limit: 1 });
    const first = sample.items[0];
    const states = first ? await client.readFlowRunStates(first.id) : [];
    const completed = await client.countFlowRuns({ flowNames: ["bench-throughput"], stateTypes: ["COMPLETED"] });
    if (completed !== runs + concurrency) throw new Error(`expected ${runs + concurrency} completed runs, found ${completed}`);
    return { runs, concurrency, runsPerSecond: Math.round(runs / seconds), statesPerRun: states.length };
  } finally {
    await releaseClient(client);
    await client.close();
    await database.dispose();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(await benchFlowThroughput(Number(process.argv[2] ?? 5_000), Number(process.argv[3] ?? 32)));
  process.exit(0);
}
