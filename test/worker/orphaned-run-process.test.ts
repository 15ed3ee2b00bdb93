/**
 * A run whose worker dies keeps its result (issue 11, deliverable 2), with real processes: a
 * `weir worker start` process is killed with SIGKILL alone while its run process prints; the run
 * process no longer has a reader on its stdout and stderr, keeps reporting over the API and its
 * own heartbeats, and finishes Completed, having run its body once. The worker's waiting spares
 * see their stdin close and exit; a cancel reaches the orphan through its own heartbeat. Ctrl+C in the worker's terminal reaches the worker only, which
 * lets its runs finish. A run process killed itself still ends Crashed and is retried.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import { useTestServer } from "../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "./worker-test-kit.js";

const { database, server } = useTestServer({
  runServices: true,
  servicesOptions: { onError: () => undefined, crashDetectionIntervalSeconds: 1, enabled: { scheduler: false, "late-runs": false } },
});
let client: HttpClient;
let marked: Deployment;
let patient: Deployment;
const processes: WeirProcess[] = [];
const orphans = new Set<number>();

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  marked = await client.upsertDeployment({
    name: "marked",
    flowName: "marked",
    entrypoint: "test/worker/fixtures/run-process-flows.ts:marked",
    path: REPO_ROOT,
    workQueueName: "orphans",
    retryPolicy: { retries: 1 },
  });
  patient = await client.upsertDeployment({ name: "patient", flowName: "patient", entrypoint: "test/worker/fixtures/run-process-flows.ts:patient", path: REPO_ROOT, workQueueName: "orphans" });
});

afterAll(async () => {
  await Promise.all(processes.map((child) => child.stop("SIGKILL")));
  for (const pid of orphans) if (isProcessAlive(pid)) process.kill(pid, "SIGKILL");
  await client?.close();
});

function startWorkerProcess(name: string, isGroupLeader = false): WeirProcess {
  const worker = startWeir(
    ["worker", "start", "--pool", "default", "--queue", "orphans", "--name", name, "--heartbeat-interval", "1", "--poll-interval", "1", "--limit", "2"],
    serverEnv(server.url, database.dir),
    isGroupLeader,
  );
  processes.push(worker);
  return worker;
}

/** Ids of the live child processes of `pid`. */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync("ps", ["-o", "pid=", "--ppid", String(pid)], { encoding: "utf8" }).split("\n").map(Number).filter((child) => child > 0);
  } catch {
    return [];
  }
}

async function runningProcessOf(flowRunId: string): Promise<number> {
  const running = await waitFor(async () => {
    const current = await client.readFlowRun(flowRunId);
    return current.stateType === "RUNNING" && current.infrastructurePid ? current : null;
  }, 60_000, "the run to be Running");
  return Number(running.infrastructurePid?.split(":").pop());
}

async function settled(flowRunId: string, timeoutMs = 60_000): Promise<FlowRun> {
  return waitFor(async () => {
    const current = await client.readFlowRun(flowRunId);
    const isSettled = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"].includes(current.stateType) || current.stateName === "AwaitingRetry";
    return isSettled ? current : null;
  }, timeoutMs, `run ${flowRunId} to settle`);
}

const markerLines = (path: string): string[] => (existsSync(path) ? readFileSync(path, "utf8").trim().split("\n") : []);

describe("a run whose worker dies", () => {
  it("finishes Completed in its own process, once, when only the worker is killed", { timeout: 120_000 }, async () => {
    const marker = join(database.dir, "marker-orphan");
    const worker = startWorkerProcess("doomed");
    const run = await client.createDeploymentFlowRun(marked.id, { parameters: { marker, seconds: 6 } });
    const runPid = await runningProcessOf(run.id);
    orphans.add(runPid);
    await waitFor(async () => markerLines(marker).length === 1, 30_000, "the body to start");
    const workerPid = worker.child.pid!;
    const children = childrenOf(workerPid);
    for (const child of children) orphans.add(child);
    expect(children).toContain(runPid);
    // Only the worker: its run process (same process group) must survive and carry on.
    process.kill(workerPid, "SIGKILL");
    await worker.exited;

    const final = await settled(run.id);
    expect(final.stateName).toBe("Completed");
    expect(final.runCount).toBe(1);
    const history = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    expect(history).not.toContain("Crashed");
    expect(history).not.toContain("AwaitingRetry");
    expect(markerLines(marker)).toEqual([String(runPid)]);
    // What the body printed after its worker died still reached the run's logs, over the API.
    const logs = (await client.readLogs({ flowRunId: run.id, limit: 1000 })).map((log) => log.message);
    expect(logs.some((message) => message.startsWith("line 59 of run"))).toBe(true);
    // The run process exits once finished; the waiting spares exit when their stdin closes.
    await waitFor(async () => children.every((child) => !isProcessAlive(child)), 20_000, "the worker's children to exit");
  });

  it("is still cancellable: its own heartbeat tells its process, which ends it Cancelled", { timeout: 120_000 }, async () => {
    const worker = startWorkerProcess("doomed-too");
    const run = await client.createDeploymentFlowRun(patient.id);
    const runPid = await runningProcessOf(run.id);
    orphans.add(runPid);
    await waitFor(async () => (await client.readLogs({ flowRunId: run.id })).some((log) => log.message.startsWith("patient in pid")), 30_000, "the body to start");
    process.kill(worker.child.pid!, "SIGKILL");
    await worker.exited;
    await client.cancelFlowRun(run.id);

    const final = await settled(run.id);
    expect(final.stateName).toBe("Cancelled");
    expect(final.state.message).toBe(`flow run ${run.id} was cancelled`);
    await waitFor(async () => !isProcessAlive(runPid), 20_000, "the run's process to exit");
  });

  it("Ctrl+C in the worker's terminal (SIGINT to its process group) stops the worker, whose runs finish", { timeout: 120_000 }, async () => {
    const marker = join(database.dir, "marker-interrupted");
    const worker = startWorkerProcess("interrupted", true);
    const run = await client.createDeploymentFlowRun(marked.id, { parameters: { marker, seconds: 3 } });
    const runPid = await runningProcessOf(run.id);
    orphans.add(runPid);
    await waitFor(async () => markerLines(marker).length === 1, 30_000, "the body to start");
    // What a terminal does on Ctrl+C: the signal goes to the whole foreground process group.
    process.kill(-worker.child.pid!, "SIGINT");

    expect(await worker.exited).toBe(0);
    const final = await client.readFlowRun(run.id);
    expect(final.stateName).toBe("Completed");
    expect(final.runCount).toBe(1);
    expect(markerLines(marker)).toHaveLength(1);
  });

  it("still ends Crashed, and is retried, when its run process is killed", { timeout: 120_000 }, async () => {
    const marker = join(database.dir, "marker-killed");
    const worker = startWorkerProcess("survivor");
    const run = await client.createDeploymentFlowRun(marked.id, { parameters: { marker, seconds: 2 } });
    const runPid = await runningProcessOf(run.id);
    orphans.add(runPid);
    await waitFor(async () => markerLines(marker).length === 1, 30_000, "the body to start");
    process.kill(runPid, "SIGKILL");

    const final = await waitFor(async () => {
      const current = await client.readFlowRun(run.id);
      return current.stateType === "COMPLETED" || current.stateType === "FAILED" ? current : null;
    }, 60_000, "the retry to finish");
    expect(final.stateName).toBe("Completed");
    expect(final.runCount).toBe(2);
    const history = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    expect(history.filter((name) => name === "Crashed")).toHaveLength(1);
    expect(history).toContain("AwaitingRetry");
    expect(markerLines(marker)).toHaveLength(2);
    await worker.stop("SIGTERM");
  });
});
