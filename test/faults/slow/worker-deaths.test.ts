/**
 * Fault suite: workers that die. A real `weir worker start` process is SIGKILLed (1) alone while
 * its run process runs: the run finishes Completed, its body ran once; (2) together with its run
 * process: the run ends Crashed and is retried, its body started twice only because the first
 * died; (3) after claiming a run and before starting it: the run goes back to Scheduled without
 * spending a retry (no attempt counted; Scheduled, not AwaitingRetry), and its flow then runs
 * with its own retry intact. Marker files count bodies.
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../../src/client/http-client.js";
import type { FlowRun } from "../../../src/core/models.js";
import { useTestServer } from "../../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "../../worker/worker-test-kit.js";
import { recordFaultFigures } from "../fault-figures.js";

const FLOWS = "test/faults/fixtures/hostile-flows.ts";
const TERMINAL = new Set(["COMPLETED", "FAILED", "CRASHED", "CANCELLED"]);

const { database, server } = useTestServer({
  runServices: true,
  servicesOptions: { onError: () => undefined, crashDetectionIntervalSeconds: 1, defaultHeartbeatIntervalSeconds: 1, enabled: { scheduler: false, "late-runs": false } },
});
let client: HttpClient;
const processes: WeirProcess[] = [];
const orphans: number[] = [];
const markers = mkdtempSync(join(tmpdir(), "weir-worker-deaths-"));

beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url });
});

afterAll(async () => {
  for (const pid of orphans) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  await Promise.all(processes.map((child) => child.stop("SIGKILL")));
  await client?.close();
});

function worker(name: string, queue: string): WeirProcess {
  const child = startWeir(["worker", "start", "--pool", "default", "--queue", queue, "--name", name, "--heartbeat-interval", "1", "--poll-interval", "1", "--warm-spares", "0"], serverEnv(server.url, database.dir));
  processes.push(child);
  return child;
}

function lines(file: string): number {
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
}

async function finished(flowRunId: string, timeoutMs = 90_000): Promise<FlowRun> {
  return waitFor(async () => {
    const run = await client.readFlowRun(flowRunId);
    return TERMINAL.has(run.stateType) ? run : null;
  }, timeoutMs, `run ${flowRunId} to end`);
}

async function runningPid(flowRunId: string, marker: string): Promise<number> {
  const running = await waitFor(async () => {
    const run = await client.readFlowRun(flowRunId);
    return run.stateType === "RUNNING" && run.infrastructurePid && lines(marker) > 0 ? run : null;
  }, 60_000, "the body to start");
  return Number(running.infrastructurePid?.split(":").pop());
}

describe("worker deaths", () => {
  it("finishes Completed, body once, when only the worker is SIGKILLed", { timeout: 180_000 }, async () => {
    const deployment = await client.upsertDeployment({ path: REPO_ROOT, workPoolName: "default", workQueueName: "alone", name: "alone", flowName: "napper", entrypoint: `${FLOWS}:napper`, retryPolicy: { retries: 1 } });
    const marker = join(markers, "alone");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker, seconds: 6 } });
    const doomed = worker("alone", "alone");
    const pid = await runningPid(run.id, marker);
    orphans.push(pid);
    doomed.child.kill("SIGKILL");
    await doomed.exited;
    // Either it ends, or (the defect of issue 11) it is declared Crashed and waits for a retry.
    const done = await waitFor(async () => {
      const current = await client.readFlowRun(run.id);
      return TERMINAL.has(current.stateType) || current.stateName === "AwaitingRetry" ? current : null;
    }, 90_000, "the run to end or be declared Crashed");
    const states = (await client.readFlowRunStates(run.id)).map((state) => `${state.name}${state.message ? ` (${state.message})` : ""}`);
    recordFaultFigures("worker-kill-alone", { state: done.stateName, runCount: done.runCount, bodyStarts: lines(marker), bodyEnds: lines(`${marker}.done`), states: states.join(" > ") });
    expect(done.stateName, states.join(" > ")).toBe("Completed");
    expect(done.runCount).toBe(1);
    expect(lines(marker)).toBe(1);
    expect(lines(`${marker}.done`)).toBe(1);
  });

  it("ends Crashed and retries when the worker and its run process are SIGKILLed", { timeout: 180_000 }, async () => {
    const deployment = await client.upsertDeployment({ path: REPO_ROOT, workPoolName: "default", workQueueName: "both", name: "both", flowName: "napper", entrypoint: `${FLOWS}:napper`, retryPolicy: { retries: 1 } });
    const marker = join(markers, "both");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker, seconds: 4 } });
    const doomed = worker("both", "both");
    const pid = await runningPid(run.id, marker);
    doomed.child.kill("SIGKILL");
    process.kill(pid, "SIGKILL");
    await doomed.exited;
    await waitFor(async () => (await client.readFlowRunStates(run.id)).some((state) => state.name === "Crashed"), 30_000, "crash detection");
    worker("both-rescuer", "both");
    const done = await finished(run.id);
    const states = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    recordFaultFigures("worker-kill-with-run", { state: done.stateName, runCount: done.runCount, bodyStarts: lines(marker), bodyEnds: lines(`${marker}.done`), states: states.join(" > ") });
    expect(states).toContain("AwaitingRetry");
    expect(done.stateName).toBe("Completed");
    expect(done.runCount).toBe(2);
    expect(lines(marker)).toBe(2);
    expect(lines(`${marker}.done`)).toBe(1);
  });

  it("puts a run claimed by a worker that died before starting it back to Scheduled without spending a retry", { timeout: 180_000 }, async () => {
    const deployment = await client.upsertDeployment({ path: REPO_ROOT, workPoolName: "default", workQueueName: "claimed", name: "claimed", flowName: "fails-once", entrypoint: `${FLOWS}:failsOnce`, retryPolicy: { retries: 1 } });
    const marker = join(markers, "claimed");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { marker } });
    // A worker that claims and dies at once: its heartbeat and claim, then nothing.
    const dead = await client.workerHeartbeat({ workPoolName: "default", name: "claims-and-dies", heartbeatIntervalSeconds: 1 });
    const claimed = await client.claimFlowRuns({ workPoolName: "default", workQueueNames: ["claimed"], workerId: dead.id, workerName: "claims-and-dies", limit: 1 });
    expect(claimed.map((row) => row.id)).toEqual([run.id]);
    const back = await waitFor(async () => {
      const current = await client.readFlowRun(run.id);
      return current.stateType !== "PENDING" ? current : null;
    }, 30_000, "crash detection of the claimed run");
    const afterCrash = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    worker("claimed-rescuer", "claimed");
    const done = await finished(run.id);
    const states = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    recordFaultFigures("worker-kill-after-claim", { stateAfterCrash: back.stateName, runCountAfterCrash: back.runCount, final: done.stateName, bodyStarts: lines(marker), states: states.join(" > ") });
    expect(back.stateName, afterCrash.join(" > ")).toBe("Scheduled");
    expect(back.runCount).toBe(0);
    // The body failed once and its flow's own retry ran it again.
    expect(done.stateName, states.join(" > ")).toBe("Completed");
    expect(lines(marker)).toBe(2);
  });
});
