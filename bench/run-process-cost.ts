/**
 * Fixed cost of a deployment run in a run process of its own (issue 16): a `weir server start`
 * (SQLite file, or WEIR_BENCH_DATABASE_URL), a deployment of `count` sequential fibo(n) tasks, and
 * for each run a process as a worker starts one, `bin/weir.js flow-run execute` (compiled dist/
 * when present): a warm spare (`--wait`, booted 2.5 s ahead, then handed the claimed run on stdin)
 * or a cold one (`execute ID`). Each run reports, in ms: request (spare handed the run, or cold
 * process spawned) → Running (the state's time, stamped by the run process), Running → end (its
 * final state), end → the process exited (as its parent saw it). Medians over `runs`.
 * Run alone: `node --import tsx bench/run-process-cost.ts [spare|cold] [runs] [n] [count]`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { HttpClient } from "../src/client/http-client.js";
import { startWeirServer, stopProcess } from "./server-url.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const BIN = join(ROOT, "bin", "weir.js");
const SPARE_BOOT_MS = 2500;

/** Milliseconds of one run. */
export interface RunProcessCost {
  toRunningMs: number;
  runningToEndMs: number;
  endToExitMs: number;
}

/** Run `runs` deployment runs, each in a process of its own (`spare` or `cold`). */
export async function benchRunProcessCost(mode: "spare" | "cold", runs: number, n: number, count: number): Promise<RunProcessCost[]> {
  const home = mkdtempSync(join(tmpdir(), "weir-bench-run-process-"));
  const server = startWeirServer(home, process.env.WEIR_BENCH_DATABASE_URL ?? `sqlite://${join(home, "weir.db")}`);
  const client = new HttpClient({ apiUrl: await server.url });
  try {
    const deployment = await client.upsertDeployment({
      name: "bench-run-process",
      flowName: "bench-fibo-chain",
      entrypoint: "bench/deployment-latency-flows.ts:fiboChain",
      path: ROOT,
      workQueueName: "bench-run-process",
      parameters: { n, count },
    });
    const env: Record<string, string> = { ...(process.env as Record<string, string>), WEIR_API_URL: client.options.baseUrl, WEIR_HOME: home, WEIR_RECORDED_OUTPUT: "stdout" };
    delete env.WEIR_DATABASE_URL;
    const costs: RunProcessCost[] = [];
    for (let index = 0; index < runs; index += 1) {
      const run = await client.createDeploymentFlowRun(deployment.id);
      let child: ChildProcess;
      let requestedAt: number;
      if (mode === "spare") {
        child = spawn(process.execPath, [BIN, "flow-run", "execute", "--wait"], { cwd: ROOT, env, stdio: ["pipe", "ignore", "inherit"] });
        await new Promise((resolve) => setTimeout(resolve, SPARE_BOOT_MS));
        const [claimed] = await client.claimFlowRuns({ workPoolName: deployment.workPoolName, workerId: "bench", limit: 1 });
        requestedAt = Date.now();
        child.stdin?.end(`${JSON.stringify({ flowRunId: run.id, cwd: ROOT, env, entrypoint: deployment.entrypoint, flowRun: claimed })}\n`);
      } else {
        await client.claimFlowRuns({ workPoolName: deployment.workPoolName, workerId: "bench", limit: 1 });
        requestedAt = Date.now();
        child = spawn(process.execPath, [BIN, "flow-run", "execute", run.id], { cwd: ROOT, env, stdio: ["ignore", "ignore", "inherit"] });
      }
      await new Promise((resolve) => child.once("exit", resolve));
      const exitedAt = Date.now();
      const ended = await client.readFlowRun(run.id);
      const running = (await client.readFlowRunStates(run.id)).find((state) => state.type === "RUNNING");
      if (ended.stateType !== "COMPLETED" || running === undefined || ended.endTime === null) throw new Error(`run ${run.id} ended ${ended.stateName}`);
      const runningAt = Date.parse(running.timestamp);
      const endAt = Date.parse(ended.endTime);
      costs.push({ toRunningMs: runningAt - requestedAt, runningToEndMs: endAt - runningAt, endToExitMs: exitedAt - endAt });
    }
    return costs;
  } finally {
    await client.close();
    await stopProcess(server.child);
    rmSync(home, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function main(): Promise<void> {
  const mode = process.argv[2] === "cold" ? "cold" : "spare";
  const runs = Number(process.argv[3] ?? 8);
  const n = Number(process.argv[4] ?? 10);
  const count = Number(process.argv[5] ?? 40);
  const costs = await benchRunProcessCost(mode, runs, n, count);
  const column = (key: keyof RunProcessCost): string => `${median(costs.map((cost) => cost[key]))} (${costs.map((cost) => cost[key]).join(" ")})`;
  process.stdout.write(
    [
      `run process cost, ${mode}, ${count} × fibo(${n}) per run, ${runs} runs, ms, median (each run)`,
      `request → Running  ${column("toRunningMs")}`,
      `Running → end      ${column("runningToEndMs")}`,
      `end → exited       ${column("endToExitMs")}`,
      `total              ${median(costs.map((cost) => cost.toRunningMs + cost.runningToEndMs + cost.endToExitMs))}`,
    ].join("\n") + "\n",
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) await main();
