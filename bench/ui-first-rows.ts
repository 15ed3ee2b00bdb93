/**
 * Benchmark: time until the dashboard's runs page shows its first rows in Chromium, with
 * 100,000 flow runs stored (SQLite). Seeding is a bulk insert through the DB layer (Kysely over
 * STORE's schema, in one write transaction). Reports a cold load (fresh browser context: HTML,
 * JS and the first API page, against a server that has answered a few requests before) and a
 * warm one (cached assets). Budget: under 1 s.
 * Run alone: `node --import tsx bench/ui-first-rows.ts [runs]`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { WeirDatabase } from "../src/db/weir-database.js";
import { startServer } from "../src/server/start-server.js";
import { ensureUiBuilt } from "../ui/test/helpers/build-ui.js";
import { launchChromium } from "../ui/test/helpers/chromium.js";

/** Figures of the first-rows benchmark. */
export interface UiFirstRowsResult {
  storedRuns: number;
  seedSeconds: number;
  /** Navigation start → first run row visible, fresh browser context. */
  coldFirstRowsMs: number;
  /** Same, second load in the same context (assets cached). */
  warmFirstRowsMs: number;
  /** The page's own measure (navigation start → `weir:first-rows` mark), cold and warm. */
  coldInPageMs: number;
  warmInPageMs: number;
}

const STATES: [string, string][] = [
  ["COMPLETED", "Completed"],
  ["FAILED", "Failed"],
  ["RUNNING", "Running"],
  ["SCHEDULED", "Scheduled"],
];

async function seed(database: WeirDatabase, runs: number): Promise<void> {
  const flowId = crypto.randomUUID();
  const now = new Date().toISOString();
  await database.db.insertInto("flows").values({ id: flowId, name: "bench-flow", tags: "[]", created_at: now, updated_at: now }).execute();
  const base = Date.now() - runs * 8_640;
  const chunk = 500;
  await database.writeTransaction(async (trx) => {
    for (let start = 0; start < runs; start += chunk) {
      const rows = [];
      for (let i = start; i < Math.min(runs, start + chunk); i++) {
        const [type, name] = STATES[i % STATES.length] ?? ["COMPLETED", "Completed"];
        const ts = new Date(base + i * 8_640).toISOString();
        const stateId = crypto.randomUUID();
        rows.push({
          id: crypto.randomUUID(),
          name: `run-${i}`,
          flow_id: flowId,
          flow_name: "bench-flow",
          parameters: "{}",
          tags: "[]",
          state: JSON.stringify({ id: stateId, type, name, timestamp: ts }),
          state_id: stateId,
          state_type: type,
          state_name: name,
          state_timestamp: ts,
          run_count: 1,
          retry_policy: '{"retries":0,"retryDelaySeconds":[0]}',
          expected_start_time: ts,
          total_run_time_ms: 10,
          created_at: ts,
          updated_at: ts,
        });
      }
      await trx.insertInto("flow_runs").values(rows).execute();
    }
  });
}

/** Seed `runs` flow runs, serve the dashboard, and time the runs page until its first rows show. */
export async function benchUiFirstRows(runs = 100_000): Promise<UiFirstRowsResult> {
  ensureUiBuilt();
  const dir = mkdtempSync(join(tmpdir(), "weir-bench-ui-"));
  const server = await startServer({ port: 0, databaseUrl: `sqlite://${join(dir, "weir.db")}`, runServices: false, log: () => undefined });
  const browser = await launchChromium().catch(async (error: unknown) => {
    await server.close();
    throw error;
  });
  try {
    const seedStarted = performance.now();
    await seed(server.context.database, runs);
    const seedSeconds = (performance.now() - seedStarted) / 1000;
    // A running server has served before: warm its code paths (not the browser's cache).
    for (let i = 0; i < 3; i++) await (await fetch(`${server.url}/api/flow-runs?limit=100`)).arrayBuffer();
    await (await fetch(`${server.url}/runs`)).arrayBuffer();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const timeFirstRows = async (): Promise<[number, number]> => {
      await page.goto("about:blank");
      const started = performance.now();
      await page.goto(`${server.url}/runs`, { waitUntil: "commit" });
      await page.getByTestId("run-row").first().waitFor({ state: "visible", timeout: 30_000 });
      const outside = Math.round(performance.now() - started);
      const inPage = await page.waitForFunction(() => performance.getEntriesByName("weir:first-rows")[0]?.startTime);
      return [outside, Math.round(Number(await inPage.jsonValue()))];
    };
    if (process.env.WEIR_BENCH_TRACE) {
      page.on("requestfinished", (request) => {
        const timing = request.timing();
        console.error(`${request.url().slice(-80)} ${Math.round(timing.responseEnd)}ms`);
      });
    }
    const [coldFirstRowsMs, coldInPageMs] = await timeFirstRows();
    const [warmFirstRowsMs, warmInPageMs] = await timeFirstRows();
    await context.close();
    return { storedRuns: runs, seedSeconds: Math.round(seedSeconds * 10) / 10, coldFirstRowsMs, warmFirstRowsMs, coldInPageMs, warmInPageMs };
  } finally {
    await browser.close();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  console.log(await benchUiFirstRows(Number(process.argv[2] ?? 100_000)));
}
