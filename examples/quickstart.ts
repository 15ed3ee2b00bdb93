/**
 * `npm start`: the whole of Weir on one machine, with the embedded SQLite database.
 *
 * 0. builds the dashboard (`ui/dist`) when it has not been built yet;
 * 1. starts the server and dashboard (`weir server start`) on http://localhost:4200;
 * 2. waits for `/api/ready`, then applies weir.yaml (`weir deploy --all`);
 * 3. starts a worker on the default pool (`weir worker start --pool default`);
 * 4. triggers one run of the data-preprocessing deployment (`weir deployment run`);
 * 5. prints the dashboard URL and the run's URL, follows the run to its end, and keeps
 *    everything running until Ctrl-C, which stops the children.
 *
 * Environment: `WEIR_PORT` (default 4200), `WEIR_HOME` (database location, default ~/.weir),
 * `WEIR_QUICKSTART_EXIT=1` to stop once the run has finished (exit code 0 when it completed).
 * Arguments are passed on to `weir deployment run`, e.g. `npm start -- --param seed=7`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import type { FlowRun } from "weirflow/core";
import { ChildProcessGroup, REPO_ROOT, runWeir } from "./child-process-group.js";

const DEPLOYMENT = "data-preprocessing/daily";
const port = Number(process.env.WEIR_PORT ?? 4200);
const baseUrl = `http://localhost:${port}`;
const apiUrl = `http://127.0.0.1:${port}/api`;
const shouldExitWhenDone = process.env.WEIR_QUICKSTART_EXIT === "1";
const children = new ChildProcessGroup();
const stopping = new AbortController();

async function main(): Promise<number> {
  buildDashboardIfMissing();
  const { WEIR_API_URL: _ignored, ...inherited } = process.env;
  const server = children.start("server", ["server", "start", "--port", String(port)], inherited);
  const serverExit = new Promise<never>((_resolve, reject) => server.once("exit", (code) => reject(new Error(`the server exited (code ${code})`))));
  serverExit.catch(() => undefined);
  await Promise.race([waitForReady(), serverExit]);

  const clientEnv = { ...inherited, WEIR_API_URL: apiUrl };
  const deployed = await runWeir(["deploy", "--all"], clientEnv);
  process.stdout.write(deployed.stdout);
  if (deployed.code !== 0) throw new Error(`weir deploy --all failed: ${deployed.stderr.trim()}`);

  // The example flows import the package by its name ("weirflow"): in a run process that is the
  // same dist/ (or src/, when there is no build) the worker runs from.
  children.start("worker", ["worker", "start", "--pool", "default"], clientEnv);

  const triggered = await runWeir(["deployment", "run", DEPLOYMENT, ...process.argv.slice(2), "--json"], clientEnv);
  if (triggered.code !== 0) throw new Error(`weir deployment run failed: ${triggered.stderr.trim()}`);
  const run = parseFlowRun(triggered.stdout);

  console.log("");
  console.log(`  Dashboard:  ${baseUrl}/`);
  console.log(`  Pipeline run ${run.name ?? run.id}:  ${baseUrl}/runs/${run.id}`);
  console.log("  Press Ctrl-C to stop the server and the worker.");
  console.log("");

  const final = await followRun(run.id);
  console.log(`[quickstart] run ${run.id} finished: ${final.stateName}`);
  if (shouldExitWhenDone) return final.stateType === "COMPLETED" ? 0 : 1;
  await new Promise<void>((resolve) => stopping.signal.addEventListener("abort", () => resolve(), { once: true }));
  return 0;
}

function buildDashboardIfMissing(): void {
  if (existsSync(join(REPO_ROOT, "ui", "dist", "index.html"))) return;
  console.log("[quickstart] building the dashboard (first run only)…");
  const vite = join(REPO_ROOT, "node_modules", "vite", "bin", "vite.js");
  const built = spawnSync(process.execPath, [vite, "build", "--config", "ui/vite.config.ts", "--logLevel", "warn"], { cwd: REPO_ROOT, stdio: "inherit" });
  if (built.status !== 0) throw new Error("building the dashboard failed (npm run build:ui)");
}

async function waitForReady(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${apiUrl}/ready`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the server was not ready at ${apiUrl}/ready within ${timeoutMs / 1000} s`);
}

async function followRun(id: string): Promise<FlowRun> {
  let lastState = "";
  for (;;) {
    const response = await fetch(`${apiUrl}/flow-runs/${id}`, { signal: stopping.signal });
    const run = (await response.json()) as FlowRun;
    if (run.stateName !== lastState) {
      console.log(`[quickstart] run ${id}: ${run.stateName}`);
      lastState = run.stateName;
    }
    if (["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].includes(run.stateType)) return run;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

function parseFlowRun(stdout: string): FlowRun {
  const parsed = JSON.parse(stdout) as FlowRun | { flowRun: FlowRun };
  return "flowRun" in parsed ? parsed.flowRun : parsed;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.log(`\n[quickstart] ${signal}: stopping the worker and the server…`);
    stopping.abort();
  });
}

let exitCode = 1;
try {
  exitCode = await main();
} catch (error) {
  if (!stopping.signal.aborted) console.error(`[quickstart] ${error instanceof Error ? error.message : String(error)}`);
  else exitCode = 0;
} finally {
  await children.stopAll();
}
process.exit(exitCode);
