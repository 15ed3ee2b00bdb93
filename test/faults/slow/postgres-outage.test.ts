/**
 * Fault suite (PostgreSQL only): a real `weir server start` process on a private cluster the test
 * makes (never the shared one) survives an outage of its database. Runs are written, the cluster
 * is stopped for a few seconds while requests keep coming (each gets 503 with Retry-After, and the
 * server logs a couple of lines for the outage, not a stack per request), then started again: the
 * server answers again without a restart, nothing stored before is lost, and a run in flight (a
 * worker process and a flow sleeping 10 s) ends Completed.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readServerUrl, startWeir as startWeirProcess, stopProcess } from "../../../bench/server-url.js";
import { HttpClient } from "../../../src/client/http-client.js";
import { testEngine } from "../../helpers/test-database.js";
import { REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "../../worker/worker-test-kit.js";
import { recordFaultFigures } from "../fault-figures.js";
import { startPrivatePostgres, type PrivatePostgres } from "../private-postgres.js";

const FLOWS = "test/faults/fixtures/hostile-flows.ts";
const OUTAGE_REQUESTS = 20;

let cluster: PrivatePostgres | undefined;
let server: ReturnType<typeof startWeirProcess> | undefined;
let worker: WeirProcess | undefined;
let client: HttpClient | undefined;

afterAll(async () => {
  await worker?.stop("SIGKILL");
  if (server) await stopProcess(server);
  await client?.close();
  cluster?.dispose();
});

describe.skipIf(testEngine() !== "postgres")("PostgreSQL outage", () => {
  it("answers 503 with Retry-After during the outage, logs it briefly, and recovers without losing anything", { timeout: 300_000 }, async () => {
    cluster = await startPrivatePostgres();
    const home = mkdtempSync(join(tmpdir(), "weir-outage-"));
    const env: NodeJS.ProcessEnv = { ...process.env, WEIR_FROM_SOURCE: "1", WEIR_HOME: home, WEIR_DATABASE_URL: cluster.url, NO_COLOR: "1" };
    delete env.WEIR_API_KEY;
    server = startWeirProcess(["server", "start", "--port", "0"], env);
    // Everything the server prints, on either stream (its log lines may go to either).
    let stderr = "";
    server.stderr?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    server.stdout?.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const url = await readServerUrl(server);
    const apiUrl = `${url.replace(/\/$/, "")}/api`;
    client = new HttpClient({ apiUrl });
    const stored = await Promise.all(Array.from({ length: 20 }, () => client!.createFlowRun({ flowName: "outage-before" })));
    const deployment = await client.upsertDeployment({ path: REPO_ROOT, workPoolName: "default", name: "in-flight", flowName: "napper", entrypoint: `${FLOWS}:napper` });
    const marker = join(home, "in-flight");
    const inFlight = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker, seconds: 10 } });
    worker = startWeir(["worker", "start", "--pool", "default", "--name", "outage", "--heartbeat-interval", "1", "--poll-interval", "1"], serverEnv(apiUrl, home));
    await waitFor(async () => (await client!.readFlowRun(inFlight.id)).stateType === "RUNNING", 60_000, "the in-flight run to start");

    const stderrBefore = stderr.split("\n").filter(Boolean).length;
    cluster.stop();
    const answers: { status: number; retryAfter: string | null }[] = [];
    for (let index = 0; index < OUTAGE_REQUESTS; index++) {
      const response = await fetch(`${apiUrl}/flow-runs?limit=5`);
      await response.arrayBuffer();
      answers.push({ status: response.status, retryAfter: response.headers.get("retry-after") });
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    cluster.start();

    const recovered = await waitFor(async () => {
      const response = await fetch(`${apiUrl}/flow-runs/count`).catch(() => null);
      if (response === null) return null;
      await response.arrayBuffer();
      return response.ok ? response : null;
    }, 60_000, "the server to answer again");
    expect(recovered.status).toBe(200);
    // Counted once the server answers again, so that the line saying the outage ended is in.
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const outageLogLines = stderr.split("\n").filter(Boolean).length - stderrBefore;
    for (const run of stored) expect((await client.readFlowRun(run.id)).id).toBe(run.id);
    const done = await waitFor(async () => {
      const current = await client!.readFlowRun(inFlight.id);
      return ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(current.stateType) ? current : null;
    }, 120_000, "the in-flight run to end");
    const statuses = answers.map((answer) => answer.status);
    recordFaultFigures("postgres-outage", {
      outageRequests: answers.length,
      statuses: [...new Set(statuses)].join(","),
      withRetryAfter: answers.filter((answer) => answer.retryAfter !== null).length,
      outageLogLines,
      storedBefore: stored.length,
      inFlight: done.stateName,
    });
    expect(answers.every((answer) => answer.status === 503 && answer.retryAfter !== null), JSON.stringify(answers)).toBe(true);
    // A line where the API's outage starts and ends, and at most one per background service
    // (scheduler, crash detection, late runs, cancellation cleanup): never a line per request.
    expect(outageLogLines, stderr.slice(-3000)).toBeLessThanOrEqual(6);
    expect(done.stateName).toBe("Completed");
  });
});
