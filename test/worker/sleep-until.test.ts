/**
 * `sleepUntil` with real processes, on the test database (SQLite or PostgreSQL): a server with
 * its late-runs loop, workers running a deployment whose flow sleeps. A wait past the suspend
 * threshold (`WEIR_SUSPEND_THRESHOLD_SECONDS=2` in the run's environment) suspends the run, its
 * process exits, the server schedules it again when the time comes, and another worker finishes
 * it reusing the task that ran before the wait; a wait under the threshold sleeps in the process.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import type { RunningWorker } from "../../src/worker/start-worker.js";
import { useTestServer } from "../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, runLogText, startTestWorker, waitFor, waitForRunState } from "./worker-test-kit.js";

const { server } = useTestServer({
  runServices: true,
  servicesOptions: { enabled: { scheduler: false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false }, lateRunsIntervalSeconds: 1 },
});
let client: HttpClient;
let sleeper: Deployment;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  sleeper = await client.upsertDeployment({ path: REPO_ROOT, name: "nap", flowName: "sleeper", entrypoint: "test/worker/fixtures/sleep-flows.ts:sleeper", workQueueName: "sleep" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await client?.close();
});

function workerOn(name: string, thresholdSeconds: number): Promise<RunningWorker> {
  return startTestWorker(workers, { client, apiUrl: server.url }, { queue: "sleep", name, env: { WEIR_SUSPEND_THRESHOLD_SECONDS: String(thresholdSeconds) } });
}

const waitForState = (id: string, name: string, timeoutMs?: number): Promise<FlowRun> => waitForRunState(client, id, name, timeoutMs);
const logText = (id: string): Promise<string> => runLogText(client, id);

function woke(text: string): { preparedPid: number; wokePid: number; lateMs: number } {
  const match = /WOKE (\{.*\})/.exec(text);
  expect(match, text).not.toBeNull();
  return JSON.parse(match![1]!) as { preparedPid: number; wokePid: number; lateMs: number };
}

describe("sleepUntil", () => {
  it("a wait past the threshold suspends the run; the server wakes it on time and another worker finishes it", { timeout: 150_000 }, async () => {
    const first = await workerOn("first", 2);
    const until = new Date(Date.now() + 12_000).toISOString();
    const run = await client.createDeploymentFlowRun(sleeper.id, { parameters: { until } });
    const suspended = await waitForState(run.id, "Suspended");
    expect(suspended.state.details).toMatchObject({ wakeAt: until, waitFor: "a time" });
    expect(suspended.nextScheduledStartTime).toBe(until);
    const firstPid = Number(suspended.infrastructurePid?.split(":").pop());
    await waitFor(async () => !isProcessAlive(firstPid), 20_000, "the sleeping run's process to exit");
    await first.stop();
    // Not woken before its time.
    expect((await client.readFlowRun(run.id)).stateName).toBe("Suspended");

    const second = await workerOn("second", 2);
    const completed = await waitForState(run.id, "Completed", 60_000);
    expect(completed.workerName).toBe("second");
    const values = woke(await logText(run.id));
    expect(values.preparedPid).toBe(firstPid);
    expect(values.wokePid).not.toBe(firstPid);
    expect(values.lateMs).toBeGreaterThanOrEqual(0);
    const states = await client.readFlowRunStates(run.id);
    const wake = states.find((state) => state.details?.wokenAt !== undefined);
    expect(wake?.name).toBe("Scheduled");
    expect(Date.parse(wake!.timestamp)).toBeGreaterThanOrEqual(Date.parse(until));
    const prepares = (await client.listTaskRuns({ flowRunId: run.id })).items.filter((taskRun) => taskRun.taskKey === "prepare");
    expect(prepares.map((taskRun) => taskRun.stateName).sort()).toEqual(["Cached", "Completed"]);
    // Its 2 s threshold would suspend the next test's run if it claimed it first.
    await second.stop();
  });

  it("a wait under the threshold sleeps in the process and never suspends", { timeout: 90_000 }, async () => {
    await workerOn("patient", 60);
    const until = new Date(Date.now() + 4000).toISOString();
    const run = await client.createDeploymentFlowRun(sleeper.id, { parameters: { until } });
    await waitForState(run.id, "Completed");
    const values = woke(await logText(run.id));
    expect(values.wokePid).toBe(values.preparedPid);
    expect(values.lateMs).toBeGreaterThanOrEqual(0);
    expect((await client.readFlowRunStates(run.id)).map((state) => state.name)).not.toContain("Suspended");
  });
});
