/**
 * Fault suite: user code that misbehaves, run as deployments by a real `weir worker start`
 * process against a real server (with an API key, so that the deployment may set NODE_OPTIONS).
 * A body that calls process.exit(3) ends Crashed and is retried; one that runs out of memory ends
 * Crashed; a never-resolving body ends TimedOut with a timeout and never stays Running without
 * one; 100,000 log lines of one run are all stored; NULs in a log line, an error and a result are
 * stored as U+FFFD; parameters nested 5,000 deep are refused (422) through the CLI.
 */
import { mkdtempSync, readFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../../src/core/models.js";
import { runProcess } from "../../helpers/run-process.js";
import { useTestServer } from "../../helpers/test-server.js";
import { REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "../../worker/worker-test-kit.js";
import { recordFaultFigures } from "../fault-figures.js";

const API_KEY = "hostile-user-code-key";
const FLOWS = "test/faults/fixtures/hostile-flows.ts";
const FFFD = "\uFFFD";
const TERMINAL = new Set(["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]);

const { database, server } = useTestServer({
  apiKey: API_KEY,
  runServices: true,
  servicesOptions: { onError: () => undefined, crashDetectionIntervalSeconds: 1, enabled: { scheduler: false, "late-runs": false } },
});
let client: HttpClient;
let worker: WeirProcess;
const markers = mkdtempSync(join(tmpdir(), "weir-hostile-"));

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url, apiKey: API_KEY });
  worker = startWeir(["worker", "start", "--pool", "default", "--name", "hostile", "--limit", "4", "--heartbeat-interval", "1", "--poll-interval", "1", "--kill-grace", "2"], keyedEnv());
  await waitFor(async () => (await client.listWorkers("default")).some((row) => row.name === "hostile"), 60_000, "the worker to start").catch((error: unknown) => {
    throw new Error(`${String(error)}; worker output: ${worker.output()}`);
  });
});

afterAll(async () => {
  await worker?.stop("SIGTERM", 10_000);
  await client?.close();
});

/** Environment of a `weir` child talking to the test server with its key. */
function keyedEnv(): NodeJS.ProcessEnv {
  return { ...serverEnv(server.url, database.dir), WEIR_API_KEY: API_KEY };
}

/** Deploy the fixture flow `exported` (its deployment named after its flow). */
async function deploy(flowName: string, exported: string, jobVariables: Record<string, string> = {}, retries = 0): Promise<Deployment> {
  return client.upsertDeployment({ path: REPO_ROOT, workPoolName: "default", name: flowName, flowName, entrypoint: `${FLOWS}:${exported}`, jobVariables, retryPolicy: { retries } });
}

async function finished(flowRunId: string, timeoutMs = 90_000): Promise<FlowRun> {
  return waitFor(async () => {
    const run = await client.readFlowRun(flowRunId);
    return TERMINAL.has(run.stateType) ? run : null;
  }, timeoutMs, `run ${flowRunId} to end`).catch((error: unknown) => {
    throw new Error(`${String(error)}; worker output: ${worker.output().slice(-3000)}`);
  });
}

function bodyStarts(marker: string): number {
  return existsSync(marker) ? readFileSync(marker, "utf8").split("\n").filter(Boolean).length : 0;
}

describe("hostile user code", () => {
  it("ends a body that calls process.exit(3) Crashed and retries it", { timeout: 180_000 }, async () => {
    // The retry comes from the deployment's policy: the server never learns the flow's own
    // `retries` when its process dies before reporting (docs/reliability.md).
    const deployment = await deploy("exiter", "exiter", {}, 1);
    const marker = join(markers, "exiter");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker } });
    const done = await finished(run.id, 150_000);
    const states = await client.readFlowRunStates(run.id);
    const names = states.map((state) => state.name);
    const crash = states.find((state) => state.type === "CRASHED" || state.type === "FAILED");
    expect(names, JSON.stringify(states.map((state) => [state.name, state.message]))).toContain("AwaitingRetry");
    expect(crash?.message ?? "").not.toBe("");
    expect(done.stateName).toBe("Completed");
    expect(done.runCount).toBe(2);
    expect(bodyStarts(marker)).toBe(2);
    recordFaultFigures("hostile-exit", { states: names.join(" > "), crashMessage: crash?.message, bodyStarts: bodyStarts(marker) });
  });

  it("ends a body that runs out of memory Crashed", { timeout: 180_000 }, async () => {
    const deployment = await deploy("hog", "hog", { NODE_OPTIONS: "--max-old-space-size=64" });
    const marker = join(markers, "hog");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker } });
    const done = await finished(run.id, 150_000);
    expect(bodyStarts(marker)).toBe(1);
    expect(done.stateName).toBe("Crashed");
    recordFaultFigures("hostile-oom", { state: done.stateName, message: done.state.message });
  });

  it("ends a never-resolving body TimedOut when it has a timeout", { timeout: 120_000 }, async () => {
    const deployment = await deploy("hangs-with-timeout", "hangsWithTimeout");
    const marker = join(markers, "hangs-with-timeout");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker } });
    const done = await finished(run.id);
    expect(bodyStarts(marker)).toBe(1);
    expect(done.stateName).toBe("TimedOut");
    recordFaultFigures("hostile-never-resolving-timeout", { state: done.stateName, message: done.state.message });
  });

  it("never leaves a never-resolving body without a timeout Running", { timeout: 120_000 }, async () => {
    const deployment = await deploy("hangs-forever", "hangsForever");
    const marker = join(markers, "hangs-forever");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker } });
    // Nothing keeps the run process's event loop alive: it exits with the promise pending.
    const done = await finished(run.id);
    expect(bodyStarts(marker)).toBe(1);
    expect(["CRASHED", "FAILED"]).toContain(done.stateType);
    expect(done.state.message ?? "").not.toBe("");
    recordFaultFigures("hostile-never-resolving", { state: done.stateName, message: done.state.message });
  });

  it("stores all 100,000 log lines of one run", { timeout: 300_000 }, async () => {
    const lines = 100_000;
    const deployment = await deploy("loud", "loud");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { lines } });
    const done = await finished(run.id, 240_000);
    expect(done.stateName, done.state.message ?? "").toBe("Completed");
    const seen = new Set<number>();
    let stored = 0;
    let afterId: number | undefined;
    for (;;) {
      const logs = await client.readLogs({ flowRunId: run.id, afterId, limit: 1000 });
      if (logs.length === 0) break;
      for (const log of logs) {
        const match = /^line (\d+)$/.exec(log.message);
        if (match) {
          stored++;
          seen.add(Number(match[1]));
        }
      }
      afterId = logs.at(-1)?.id;
    }
    expect(seen.size).toBe(lines);
    recordFaultFigures("hostile-100k-log-lines", { lines, stored, distinct: seen.size });
  });

  it("stores NULs of a log line, an error and a result as U+FFFD", { timeout: 120_000 }, async () => {
    const deployment = await deploy("nul", "nul");
    const [failing, returning] = await Promise.all([
      client.createDeploymentFlowRun(deployment.id, { parameters: { fail: true } }),
      client.createDeploymentFlowRun(deployment.id, { parameters: { fail: false } }),
    ]);
    const [failed, completed] = await Promise.all([finished(failing.id), finished(returning.id)]);
    expect(failed.stateName).toBe("Failed");
    expect(failed.state.message).toContain(`bad${FFFD}byte`);
    expect(completed.stateName).toBe("Completed");
    expect(completed.state.result).toEqual({ kind: "inline", value: { text: `a${FFFD}b` } });
    for (const run of [failed, completed]) {
      const messages = (await client.readLogs({ flowRunId: run.id })).map((log) => log.message);
      expect(messages).toContain(`before${FFFD}after`);
    }
    recordFaultFigures("hostile-nul", { failed: failed.stateName, completed: completed.stateName });
  });

  it("refuses parameters nested 5,000 deep with 422 through the CLI, and runs nothing", { timeout: 60_000 }, async () => {
    const deployment = await deploy("deep", "deep");
    // Built as text: JSON.stringify of the value itself overflows this process's stack.
    const params = `{"value":${"[".repeat(5000)}${"]".repeat(5000)}}`;
    const result = await runProcess(process.execPath, [`${REPO_ROOT}bin/weir.js`, "deployment", "run", "deep/deep", "--params", params], keyedEnv());
    const output = result.stdout + result.stderr;
    expect(result.code, output).not.toBe(0);
    expect(output).not.toMatch(/internal server error|500/i);
    expect(output).toMatch(/422|deep|depth|nest/i);
    expect(await client.countFlowRuns({ deploymentIds: [deployment.id] })).toBe(0);
    recordFaultFigures("hostile-deep-nesting", { depth: 5000, exitCode: result.code, message: output.trim().split("\n")[0] });
  });
});
