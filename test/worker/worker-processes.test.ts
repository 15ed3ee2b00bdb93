/**
 * Workers with real child processes on a real server: runs execute once each across several
 * workers, a cancelled run ends Cancelled with its process gone, and a worker killed with SIGKILL
 * (with its children, as when its machine dies) leaves a run that crash detection marks Crashed
 * and that is retried (its flow has one retry) by another worker to Completed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment } from "../../src/core/models.js";
import type { RunningWorker } from "../../src/worker/start-worker.js";
import { useTestServer } from "../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, serverEnv, startWeir, waitFor, startTestWorker, type WeirProcess } from "./worker-test-kit.js";

const { database, server } = useTestServer({
  runServices: true,
  servicesOptions: { onError: () => undefined, crashDetectionIntervalSeconds: 1, enabled: { scheduler: false, "late-runs": false } },
});
let client: HttpClient;
let sleeper: Deployment;
let quick: Deployment;
const workers: RunningWorker[] = [];
const processes: WeirProcess[] = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  const common = { path: REPO_ROOT, workPoolName: "default" };
  sleeper = await client.upsertDeployment({ ...common, name: "sleepy", flowName: "sleeper", entrypoint: "test/worker/fixtures/worker-flows.ts:sleeper", parameters: { seconds: 60 }, retryPolicy: { retries: 1 } });
  quick = await client.upsertDeployment({ ...common, name: "fast", flowName: "quick", entrypoint: "test/worker/fixtures/worker-flows.ts:quick", workQueueName: "fast" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await Promise.all(processes.map((child) => child.stop("SIGKILL")));
  await client?.close();
});

function workerOn(queue: string, name: string, limit = 2): Promise<RunningWorker> {
  return startTestWorker(workers, { client, apiUrl: server.url }, { queue, name, limit });
}

/** Wait until the run is Running in a process of its own; that process's id. */
async function runningProcessOf(flowRunId: string): Promise<number> {
  const running = await waitFor(async () => {
    const current = await client.readFlowRun(flowRunId);
    return current.stateType === "RUNNING" && current.infrastructurePid ? current : null;
  }, 30_000, "the run to be Running");
  return Number(running.infrastructurePid?.split(":").pop());
}

describe("workers with real processes", () => {
  it("executes each run exactly once across two workers", { timeout: 120_000 }, async () => {
    const [a, b] = await Promise.all([workerOn("fast", "fast-a", 3), workerOn("fast", "fast-b", 3)]);
    const runs = await Promise.all(Array.from({ length: 8 }, (_, index) => client.createDeploymentFlowRun(quick.id, { parameters: { index } })));
    await waitFor(async () => (await client.countFlowRuns({ deploymentIds: [quick.id], stateTypes: ["COMPLETED"] })) === runs.length, 90_000, "8 completed runs");
    const finished = await Promise.all(runs.map((run) => client.readFlowRun(run.id)));
    expect(finished.every((run) => run.runCount === 1)).toBe(true);
    expect(new Set(finished.map((run) => run.workerName))).toEqual(new Set(["fast-a", "fast-b"].filter((name) => finished.some((run) => run.workerName === name))));
    for (const run of finished) {
      const names = (await client.readFlowRunStates(run.id)).map((state) => state.name);
      expect(names.filter((name) => name === "Pending")).toHaveLength(1);
      expect(names.filter((name) => name === "Running")).toHaveLength(1);
    }
    await Promise.all([a?.stop(), b?.stop()]);
  });

  it("cancels a running run: SIGTERM to its process, then Cancelled", { timeout: 60_000 }, async () => {
    const worker = await workerOn("default", "canceller");
    const run = await client.createDeploymentFlowRun(sleeper.id);
    const pid = await runningProcessOf(run.id);
    expect(isProcessAlive(pid)).toBe(true);
    await client.cancelFlowRun(run.id);
    const cancelled = await waitFor(async () => {
      const current = await client.readFlowRun(run.id);
      return current.stateType === "CANCELLED" ? current : null;
    }, 20_000, "the run to be Cancelled");
    expect(cancelled.stateName).toBe("Cancelled");
    await waitFor(async () => !isProcessAlive(pid), 5_000, "the run's process to exit");
    expect(worker.runningFlowRunIds()).toEqual([]);
    await worker.stop();
  });

  it("on stop, lets runs finish within the grace period, then kills them and marks them Crashed", { timeout: 60_000 }, async () => {
    const worker = await workerOn("default", "leaver");
    const run = await client.createDeploymentFlowRun(sleeper.id);
    const pid = await runningProcessOf(run.id);
    const stopping = performance.now();
    await worker.stop();
    expect(performance.now() - stopping).toBeGreaterThanOrEqual(4_500);
    expect(isProcessAlive(pid)).toBe(false);
    const states = await client.readFlowRunStates(run.id);
    const crashed = states.find((state) => state.name === "Crashed");
    expect(crashed?.message).toContain("worker shut down");
    // The flow has a retry left: the run waits for another worker.
    expect((await client.readFlowRun(run.id)).stateName).toBe("AwaitingRetry");
    await client.cancelFlowRun(run.id);
  });

  it("marks the run of a SIGKILLed worker Crashed and retries it on another worker", { timeout: 120_000 }, async () => {
    const run = await client.createDeploymentFlowRun(sleeper.id, { parameters: { seconds: 4 } });
    const env = serverEnv(server.url, database.dir);
    const doomed = startWeir(["worker", "start", "--pool", "default", "--queue", "default", "--name", "doomed", "--heartbeat-interval", "1", "--poll-interval", "1"], env);
    processes.push(doomed);
    await waitFor(async () => (await client.readFlowRun(run.id)).stateType === "RUNNING", 30_000, "the run to start");
    // SIGKILL the worker, then its run process, as when their machine dies.
    doomed.child.kill("SIGKILL");
    const childPid = Number((await client.readFlowRun(run.id)).infrastructurePid?.split(":").pop());
    if (childPid && isProcessAlive(childPid)) process.kill(childPid, "SIGKILL");
    await doomed.exited;
    const states = await waitFor(async () => {
      const history = await client.readFlowRunStates(run.id);
      return history.some((state) => state.name === "Crashed") ? history : null;
    }, 30_000, "crash detection");
    expect(states.map((state) => state.name)).toContain("AwaitingRetry");
    await workerOn("default", "rescuer");
    const done = await waitFor(async () => {
      const current = await client.readFlowRun(run.id);
      return current.stateType === "COMPLETED" ? current : null;
    }, 60_000, "the retry to complete");
    expect(done.runCount).toBe(2);
    expect(done.workerName).toBe("rescuer");
  });
});
