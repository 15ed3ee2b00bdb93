/**
 * `GET /metrics` on a real server: after one failed and one completed SDK flow run over HTTP,
 * a claimed deployment run and a due one, the Prometheus text passes `promtool check metrics`
 * and shows the two runs in the counters, the claim, the queue depth, the worker and the
 * request latency under route templates. With an API key, the endpoint needs it. On PostgreSQL,
 * changes another process makes reach the server's bus (relayed lag) but not its counters. The
 * alert rules of docs/operations.md pass `promtool check rules`.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { flow } from "../../src/index.js";
import { makeState } from "../../src/core/states.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import { releaseClient, setClient } from "../../src/sdk/client-provider.js";
import { testEngine } from "../helpers/test-database.js";
import { useTestServer } from "../helpers/test-server.js";

const PROMTOOL = "/usr/bin/promtool";
const hasPromtool = existsSync(PROMTOOL);
const RULES_FILE = fileURLToPath(new URL("../../docs/weir-alert-rules.yml", import.meta.url));
const API_KEY = "metrics-test-key";

const { server } = useTestServer({ runServices: true });
const keyed = useTestServer({ apiKey: API_KEY });
let client: HttpClient;
let scraped = "";

beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url });
  setClient(client);
});
afterAll(async () => {
  await releaseClient(client);
});

/** The value of one series in a Prometheus text body (NaN when absent). */
function sample(body: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of body.split("\n")) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    const labelText = line.slice(name.length).split(" ")[0] ?? "";
    if (Object.entries(labels).every(([key, value]) => labelText.includes(`${key}="${value}"`))) return Number(line.split(" ").at(-1));
  }
  return Number.NaN;
}

async function scrape(url: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${url}/metrics`, init);
}

function promtool(args: string[], input?: string): { status: number | null; output: string } {
  const result = spawnSync(PROMTOOL, args, { input, encoding: "utf8" });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe("GET /metrics", () => {
  it("counts one failed and one completed run, a claim, the due backlog and the requests", async () => {
    const succeeds = flow("metrics-succeeds", async () => 1);
    const fails = flow({ name: "metrics-fails", retries: 0 }, async () => {
      throw new Error("boom");
    });
    await succeeds({});
    await expect(fails({})).rejects.toThrow("boom");

    const deployment = await client.upsertDeployment({ name: "nightly", flowName: "metrics-succeeds", entrypoint: "flows.ts:succeeds" });
    const claimed = await client.createDeploymentFlowRun(deployment.id);
    await client.workerHeartbeat({ workPoolName: "default", name: "metrics-worker" });
    const claims = await client.claimFlowRuns({ workPoolName: "default", workerId: "w-1", workerName: "metrics-worker", limit: 1 });
    expect(claims.map((run) => run.id)).toEqual([claimed.id]);
    await client.createDeploymentFlowRun(deployment.id);
    await client.readFlowRun(claimed.id);

    const response = await scrape(server.url);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();

    expect(sample(body, "weir_flow_runs_finished_total", { flow: "metrics-succeeds", state_type: "COMPLETED" })).toBe(1);
    expect(sample(body, "weir_flow_runs_finished_total", { flow: "metrics-fails", state_type: "FAILED" })).toBe(1);
    expect(sample(body, "weir_flow_run_state_transitions_total", { state_name: "Completed" })).toBe(1);
    expect(sample(body, "weir_flow_run_state_transitions_total", { state_name: "Failed" })).toBe(1);
    expect(sample(body, "weir_flow_run_claim_latency_seconds_count", { work_pool: "default", work_queue: "default" })).toBe(1);
    expect(sample(body, "weir_work_queue_due_runs", { work_pool: "default", work_queue: "default" })).toBe(1);
    expect(sample(body, "weir_flow_runs_active", { flow: "metrics-succeeds", deployment: "nightly", state_name: "Pending" })).toBe(1);
    expect(sample(body, "weir_flow_runs", { state_type: "PENDING", state_name: "Pending" })).toBe(1);
    expect(sample(body, "weir_flow_runs", { state_type: "SCHEDULED", state_name: "Scheduled" })).toBe(1);
    expect(sample(body, "weir_workers", { work_pool: "default", status: "online" })).toBe(1);
    expect(sample(body, "weir_database_up")).toBe(1);
    // Every service ticked once at start (they were started with the server).
    expect(sample(body, "weir_service_tick_duration_seconds_count", { service: "scheduler" })).toBeGreaterThanOrEqual(1);
    expect(sample(body, "weir_http_request_duration_seconds_count", { method: "GET", route: "/api/flow-runs/:id", status: "200" })).toBeGreaterThanOrEqual(1);
    expect(body).not.toContain(claimed.id);
    expect(sample(body, "process_resident_memory_bytes")).toBeGreaterThan(0);
    scraped = body;
  });

  it.skipIf(!hasPromtool)(`passes promtool check metrics (skipped without ${PROMTOOL}: Debian package 'prometheus')`, () => {
    expect(scraped).toContain("weir_flow_runs_finished_total");
    const checked = promtool(["check", "metrics"], scraped);
    expect(checked.output).toBe("");
    expect(checked.status).toBe(0);
  });

  it("serves one database snapshot to the scrapes of 5 seconds, then reads a new one", async () => {
    const pending = (body: string): number => sample(body, "weir_flow_runs", { state_name: "Pending" });
    let first = await (await scrape(server.url)).text();
    // Start from a fresh snapshot, so that the next scrape falls in its 5 seconds.
    const age = sample(first, "weir_metrics_snapshot_age_seconds");
    if (age > 1) {
      await new Promise((resolve) => setTimeout(resolve, (5.1 - age) * 1000));
      first = await (await scrape(server.url)).text();
    }
    const before = pending(first);
    await client.createFlowRun({ flowName: "metrics-succeeds" });
    // The new run is in the database but not in the snapshot yet.
    expect(pending(await (await scrape(server.url)).text())).toBe(before);
    await new Promise((resolve) => setTimeout(resolve, 5100));
    expect(pending(await (await scrape(server.url)).text())).toBe(before + 1);
  });

  it("needs the API key when the server has one", async () => {
    expect((await scrape(keyed.server.url)).status).toBe(401);
    expect((await scrape(keyed.server.url, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const response = await scrape(keyed.server.url, { headers: { authorization: `Bearer ${API_KEY}` } });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain("weir_database_up 1");
  });
});

describe.skipIf(testEngine() !== "postgres")("several processes on one PostgreSQL database", () => {
  it("counts only the changes this server made; another process's events count as relayed lag", async () => {
    const other = await openOrchestration({ databaseUrl: keyed.database.url });
    const headers = { authorization: `Bearer ${API_KEY}` };
    try {
      await other.orchestration.upsertFlow({ name: "elsewhere" });
      const run = await other.orchestration.createFlowRun({ flowName: "elsewhere" });
      await other.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
      await other.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
      let body = "";
      const deadline = Date.now() + 5000;
      while (!(sample(body, "weir_event_bus_lag_seconds_count", { origin: "relayed" }) >= 3) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        body = await (await scrape(keyed.server.url, { headers })).text();
      }
      expect(sample(body, "weir_event_bus_lag_seconds_count", { origin: "relayed" })).toBe(3);
      expect(sample(body, "weir_flow_runs_finished_total", { flow: "elsewhere" })).toBeNaN();
      expect(sample(body, "weir_flow_run_state_transitions_total", { state_name: "Completed" })).toBeNaN();
    } finally {
      await other.close();
    }
  });
});

describe.skipIf(!hasPromtool)(`the alert rules of docs/operations.md (skipped without ${PROMTOOL})`, () => {
  it("pass promtool check rules", () => {
    const checked = promtool(["check", "rules", RULES_FILE]);
    expect(checked.output).toContain("SUCCESS");
    expect(checked.status).toBe(0);
  });
});
