/**
 * Benchmark: `weir server start` → /api/ready answering, and the idle server's RSS.
 * Spawns the real CLI (compiled dist/ when present) on a fresh SQLite file, N times.
 * Run alone: `node --import tsx bench/server-start.ts`.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readServerUrl } from "./server-url.js";

const BIN = fileURLToPath(new URL("../bin/weir.js", import.meta.url));

/** Figures of one benchmark round. */
export interface ServerStartResult {
  runs: number;
  startToReadyMsP50: number;
  startToReadyMsMax: number;
  idleRssMb: number;
}

async function startOnce(): Promise<{ readyMs: number; rssMb: number }> {
  const home = mkdtempSync(join(tmpdir(), "weir-bench-start-"));
  const started = performance.now();
  const child = spawn(process.execPath, [BIN, "server", "start", "--port", "0"], {
    env: { ...process.env, WEIR_HOME: home, WEIR_DATABASE_URL: `sqlite://${join(home, "weir.db")}`, WEIR_FROM_SOURCE: "0" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  try {
    const url = await readServerUrl(child);
    for (;;) {
      const response = await fetch(`${url}/api/ready`).catch(() => null);
      if (response?.ok) break;
    }
    const readyMs = performance.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
    const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
    return { readyMs, rssMb: rssKb / 1024 };
  } finally {
    child.kill("SIGTERM");
    await new Promise((resolve) => child.once("exit", resolve));
    rmSync(home, { recursive: true, force: true });
  }
}

/** Start the server `runs` times; report p50/max start-to-ready and the last idle RSS. */
export async function benchServerStart(runs = 5): Promise<ServerStartResult> {
  const times: number[] = [];
  let rssMb = 0;
  for (let i = 0; i < runs; i++) {
    const { readyMs, rssMb: rss } = await startOnce();
    times.push(readyMs);
    rssMb = rss;
  }
  times.sort((a, b) => a - b);
  return {
    runs,
    startToReadyMsP50: Math.round(times[Math.floor(runs / 2)] ?? Number.NaN),
    startToReadyMsMax: Math.round(times.at(-1) ?? Number.NaN),
    idleRssMb: Math.round(rssMb),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await benchServerStart());
}
