/**
 * Benchmark: `weir server start` → /api/ready answering, and the idle server's RSS.
 * Spawns the real CLI (compiled dist/ when present) on a fresh SQLite file, N times.
 * Run alone: `node --import tsx bench/server-start.ts`.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startWeirServer, stopProcess } from "./server-url.js";


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
  const { child, url: ready } = startWeirServer(home, `sqlite://${join(home, "weir.db")}`, { ...process.env, WEIR_FROM_SOURCE: "0" });
  try {
    const url = await ready;
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
    await stopProcess(child);
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
