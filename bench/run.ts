/**
 * `npm run bench`: every benchmark of DESIGN §8, each in its own child process (they set
 * process-wide clients), printed in order, raw output kept in bench/.out/. Peers: when
 * WEIR_BENCH_PREFECT_PYTHON points at a Python with Prefect installed (a venv of the benchmark
 * machine, never a dependency), Prefect's task overhead is measured in the same run.
 * Pick some with `npm run bench -- task-overhead list-runs`.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpuReferenceMs } from "./cpu-reference.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const OUT = join(ROOT, "bench", ".out");

const benches: Record<string, string[]> = {
  "task-overhead": [process.execPath, "--import", "tsx", "bench/task-overhead.ts", "10000"],
  "warm-task-overhead": [process.execPath, "--import", "tsx", "bench/warm-task-overhead.ts", "400", "12"],
  "run-process-cost": [process.execPath, "--import", "tsx", "bench/run-process-cost.ts", "spare", "8"],
  "run-process-cost-cold": [process.execPath, "--import", "tsx", "bench/run-process-cost.ts", "cold", "5"],
  "flow-throughput": [process.execPath, "--import", "tsx", "bench/flow-throughput.ts", "5000", "32"],
  "deployment-latency": [process.execPath, "--conditions=weir-source", "--import", "tsx", "bench/deployment-latency.ts", "200", "200"],
  "worker-fleet": [process.execPath, "--import", "tsx", "bench/worker-fleet.ts", "2000", "4"],
  "worker-fleet-pooled": [process.execPath, "--import", "tsx", "bench/worker-fleet.ts", "2000", "4", "pooled"],
  "worker-fleet-pooled-sqlite": [process.execPath, "--import", "tsx", "bench/worker-fleet.ts", "2000", "4", "pooled", "sqlite"],
  "pooled-run-cost": [process.execPath, "--import", "tsx", "bench/pooled-run-cost.ts", "600", "1"],
  "server-start": [process.execPath, "--import", "tsx", "bench/server-start.ts"],
  "list-runs": [process.execPath, "--import", "tsx", "bench/list-runs.ts", "1000000"],
  "list-runs-sqlite": ["env", "WEIR_BENCH_DB=sqlite", process.execPath, "--import", "tsx", "bench/list-runs.ts", "1000000"],
  "ui-first-rows": [process.execPath, "--import", "tsx", "bench/ui-first-rows.ts", "100000"],
  "result-storage": [process.execPath, "--import", "tsx", "bench/result-storage.ts", "40", "5"],
};

const prefectPython = process.env.WEIR_BENCH_PREFECT_PYTHON;
if (prefectPython) {
  benches["peer-prefect-task-overhead"] = [prefectPython, "bench/peers/prefect_task_overhead.py", "1000"];
}

const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
mkdirSync(OUT, { recursive: true });
console.log(`# Weir benchmarks, ${new Date().toISOString()}, ${cpus().length} cores (${cpus()[0]?.model ?? "?"}), ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, CPU reference fibo(32) ${cpuReferenceMs()} ms`);
let failed = 0;
for (const name of chosen) {
  const command = benches[name];
  if (!command) {
    console.error(`unknown benchmark '${name}'; known: ${Object.keys(benches).join(", ")}`);
    process.exitCode = 2;
    continue;
  }
  const [program, ...args] = command as [string, ...string[]];
  console.log(`\n## ${name}\n\n$ ${[program === process.execPath ? "node" : program, ...args].join(" ")}`);
  const started = performance.now();
  const result = spawnSync(program, args, {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PREFECT_HOME: mkdtempSync(join(tmpdir(), "weir-bench-prefect-")), PREFECT_LOGGING_LEVEL: "WARNING", PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS: "180" },
    maxBuffer: 64 * 1024 * 1024,
  });
  writeFileSync(join(OUT, `${name}.txt`), `${result.stdout}\n--- stderr ---\n${result.stderr}`);
  console.log(result.stdout.trim());
  console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s, exit ${result.status})`);
  if (result.status !== 0) failed += 1;
}
if (failed > 0) {
  console.error(`${failed} benchmark(s) failed; see bench/.out/`);
  process.exitCode = 1;
}
