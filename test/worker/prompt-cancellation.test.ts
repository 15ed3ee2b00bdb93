/**
 * Cancellation is prompt and two-phase (issue 11, deliverable 5), with real run processes: the
 * worker's SIGTERM aborts the run's signal in its process, so a flow waiting in a task that
 * honours it ends Cancelled and its process exits by itself, long before the kill grace; a body
 * that ignores the signal is still stopped by SIGKILL after the grace, with what it started, and
 * ends Cancelled. A run
 * process told to stop when nobody cancelled its run (its host shutting down) ends it Crashed.
 */
import type { ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import { spawnFlowRunProcess, type FlowRunProcessRequest } from "../../src/worker/flow-run-process.js";
import { startWorker, type RunningWorker } from "../../src/worker/start-worker.js";
import { useTestServer } from "../helpers/test-server.js";
import { REPO_ROOT, waitFor } from "./worker-test-kit.js";

const { server } = useTestServer();
let client: HttpClient;
let patient: Deployment;
let stubborn: Deployment;
const workers: RunningWorker[] = [];
/** Every run process the workers started, with how it exited. */
const started: Array<{ child: ChildProcess; exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> }> = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  const common = { path: REPO_ROOT, workQueueName: "cancels" };
  patient = await client.upsertDeployment({ ...common, name: "patient", flowName: "patient", entrypoint: "test/worker/fixtures/run-process-flows.ts:patient" });
  stubborn = await client.upsertDeployment({ ...common, name: "stubborn", flowName: "stubborn", entrypoint: "test/worker/fixtures/run-process-flows.ts:stubborn" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await client?.close();
});

function recordingSpawn(request: FlowRunProcessRequest): ChildProcess {
  const child = spawnFlowRunProcess(request);
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  started.push({ child, exit });
  return child;
}

async function startCancellingWorker(killGraceMs: number): Promise<RunningWorker> {
  const worker = await startWorker({
    client,
    workQueueNames: ["cancels"],
    limit: 1,
    warmSpares: 1,
    pollIntervalMs: 200,
    heartbeatIntervalSeconds: 1,
    killGraceMs,
    apiUrl: server.url,
    env: { WEIR_FROM_SOURCE: "1", NO_COLOR: "1" },
    spawn: recordingSpawn,
  });
  workers.push(worker);
  return worker;
}

/** The run's process once the run is Running and its body has printed. */
async function runningProcess(run: FlowRun, firstLine: string): Promise<(typeof started)[number]> {
  await waitFor(async () => {
    const logs = await client.readLogs({ flowRunId: run.id });
    return logs.some((log) => log.message.startsWith(firstLine));
  }, 60_000, "the body to start");
  const { infrastructurePid } = await client.readFlowRun(run.id);
  const pid = Number(infrastructurePid?.split(":").pop());
  const found = started.find((entry) => entry.child.pid === pid);
  if (found === undefined) throw new Error(`no recorded process with pid ${pid}`);
  return found;
}

/** Whether `pid` runs (a zombie awaiting its reaper does not). */
function isRunning(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0] !== "Z";
  } catch {
    return false;
  }
}

async function finalRun(id: string, timeoutMs: number): Promise<FlowRun> {
  return waitFor(async () => {
    const current = await client.readFlowRun(id);
    return ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].includes(current.stateType) ? current : null;
  }, timeoutMs, `run ${id} to end`);
}

describe("cancelling a run executed by a worker", () => {
  it("aborts the run's signal on SIGTERM: a task honouring it ends the run Cancelled without SIGKILL", { timeout: 120_000 }, async () => {
    const killGraceMs = 30_000;
    const worker = await startCancellingWorker(killGraceMs);
    const run = await client.createDeploymentFlowRun(patient.id);
    const process = await runningProcess(run, "patient in pid");
    await client.cancelFlowRun(run.id);

    const exit = await process.exit;
    expect(exit).toEqual({ code: 1, signal: null });
    const final = await finalRun(run.id, 10_000);
    expect(final.stateName).toBe("Cancelled");
    // Proposed by the run's process itself, as it stopped.
    expect(final.state.message).toBe("the run's process received SIGTERM");
    const history = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    expect(history.slice(-2)).toEqual(["Cancelling", "Cancelled"]);
    const { items: [taskRun] } = await client.listTaskRuns({ flowRunId: run.id });
    expect(taskRun?.stateName).toBe("Cancelled");
    // Its retries are not spent on a cancelled run.
    expect((await client.readTaskRunStates(taskRun!.id)).map((state) => state.name)).toEqual(["Running", "Cancelled"]);
    await waitFor(async () => worker.runningFlowRunIds().length === 0, 10_000, "the worker to let the run go");
    const logs = (await client.readLogs({ flowRunId: run.id })).map((log) => log.message);
    expect(logs.some((message) => message.includes("SIGKILL"))).toBe(false);
    await worker.stop();
  });

  it("still ends Cancelled through SIGKILL after the grace when the body ignores its signal", { timeout: 120_000 }, async () => {
    const worker = await startCancellingWorker(2_000);
    const run = await client.createDeploymentFlowRun(stubborn.id);
    const process = await runningProcess(run, "stubborn in pid");
    const started = (await client.readLogs({ flowRunId: run.id })).find((log) => log.message.startsWith("stubborn in pid"));
    const helperPid = Number(started?.message.split(" ").pop());
    expect(isRunning(helperPid)).toBe(true);
    await client.cancelFlowRun(run.id);

    expect(await process.exit).toEqual({ code: null, signal: "SIGKILL" });
    // What the run's code started went with it (the whole process group was signalled).
    await waitFor(async () => !isRunning(helperPid), 5_000, "the run's helper process to end");
    const final = await finalRun(run.id, 10_000);
    expect(final.stateName).toBe("Cancelled");
    expect(final.state.message).toContain("SIGKILL");
    const warnings = await client.readLogs({ flowRunId: run.id, minLevel: "WARNING" });
    expect(warnings.map((log) => log.message)).toContainEqual(expect.stringContaining("2 s after SIGTERM (its code ignores the run's signal): killed with SIGKILL"));
    await worker.stop();
  });

  it("ends a run Crashed when its process is told to stop but nobody cancelled it", { timeout: 120_000 }, async () => {
    const worker = await startCancellingWorker(30_000);
    const run = await client.createDeploymentFlowRun(patient.id);
    const process = await runningProcess(run, "patient in pid");
    process.child.kill("SIGTERM");

    expect(await process.exit).toEqual({ code: 1, signal: null });
    const final = await finalRun(run.id, 10_000);
    expect(final.stateName).toBe("Crashed");
    expect(final.state.message).toBe("the run's process received SIGTERM");
    await worker.stop();
  });
});
