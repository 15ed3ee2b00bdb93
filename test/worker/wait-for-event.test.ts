/**
 * `waitForEvent` with real processes, on the test database (SQLite or PostgreSQL): a server with
 * its late-runs loop, workers running a deployment whose flow waits for `flow-run.Completed` of
 * another run. A wait past the suspend threshold suspends the run (its process exits); when the
 * other run completes (a state change through the API stores the event) the server resumes it
 * and another worker finishes it with that event. An event stored just before the wait began is
 * found (lookback). A wait that times out while suspended fails the run with a clear message.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import type { RunningWorker } from "../../src/worker/start-worker.js";
import { useTestServer } from "../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, runLogText, startTestWorker, waitFor, waitForRunState } from "./worker-test-kit.js";

const { server } = useTestServer({
  runServices: true,
  servicesOptions: { enabled: { scheduler: false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false }, lateRunsIntervalSeconds: 1 },
});
let client: HttpClient;
let waiter: Deployment;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  waiter = await client.upsertDeployment({ path: REPO_ROOT, name: "wait", flowName: "waiter", entrypoint: "test/worker/fixtures/event-flows.ts:waiter", workQueueName: "events" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await client?.close();
});

function workerOn(name: string, thresholdSeconds: number): Promise<RunningWorker> {
  return startTestWorker(workers, { client, apiUrl: server.url }, { queue: "events", name, env: { WEIR_SUSPEND_THRESHOLD_SECONDS: String(thresholdSeconds) } });
}

const waitForState = (id: string, name: string, timeoutMs?: number): Promise<FlowRun> => waitForRunState(client, id, name, timeoutMs);
const logText = (id: string): Promise<string> => runLogText(client, id);

function got(text: string): { event: string; resource: string; preparedPid: number; gotPid: number } {
  const match = /GOT (\{.*\})/.exec(text);
  expect(match, text).not.toBeNull();
  return JSON.parse(match![1]!) as { event: string; resource: string; preparedPid: number; gotPid: number };
}

async function upstreamRun(): Promise<FlowRun> {
  return client.createFlowRun({ flowName: "upstream", state: makeState("Running") });
}

async function complete(run: FlowRun): Promise<void> {
  const decided = await client.setFlowRunState(run.id, { state: makeState("Completed") });
  expect(decided.status).toBe("ACCEPT");
}

describe("waitForEvent", () => {
  it("a long wait suspends the run; the other run's completion resumes it on another worker with that event", { timeout: 150_000 }, async () => {
    const first = await workerOn("first", 2);
    const upstream = await upstreamRun();
    const run = await client.createDeploymentFlowRun(waiter.id, { parameters: { upstream: upstream.id, timeoutSeconds: 600 } });
    const suspended = await waitForState(run.id, "Suspended");
    expect(suspended.state.details?.waitForEvent).toMatchObject({ filter: { events: ["flow-run.Completed"], resourceId: upstream.id }, match: { "state.type": "COMPLETED" } });
    const firstPid = Number(suspended.infrastructurePid?.split(":").pop());
    await waitFor(async () => !isProcessAlive(firstPid), 20_000, "the waiting run's process to exit");
    await first.stop();
    await workerOn("second", 2);
    // Nothing stored yet: the run stays suspended.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await client.readFlowRun(run.id)).stateName).toBe("Suspended");

    await complete(upstream);
    const completed = await waitForState(run.id, "Completed", 60_000);
    expect(completed.workerName).toBe("second");
    const values = got(await logText(run.id));
    expect(values).toMatchObject({ event: "flow-run.Completed", resource: upstream.id, preparedPid: firstPid });
    expect(values.gotPid).not.toBe(firstPid);
    const resumedBy = (await client.readFlowRunStates(run.id)).find((state) => state.details?.matchedEvent !== undefined);
    expect(resumedBy?.message).toContain("event 'flow-run.Completed' was stored");
  });

  it("finds an event stored just before the wait began (lookback), waiting in the process", { timeout: 90_000 }, async () => {
    const patient = await workerOn("patient", 60);
    const upstream = await upstreamRun();
    await complete(upstream);
    const run = await client.createDeploymentFlowRun(waiter.id, { parameters: { upstream: upstream.id, timeoutSeconds: 30 } });
    await waitForState(run.id, "Completed");
    const values = got(await logText(run.id));
    expect(values).toMatchObject({ event: "flow-run.Completed", resource: upstream.id });
    expect(values.gotPid).toBe(values.preparedPid);
    expect((await client.readFlowRunStates(run.id)).map((state) => state.name)).not.toContain("Suspended");
    await patient.stop();
  });

  it("a suspended wait that times out is resumed at its timeout and fails the run naming the wait", { timeout: 90_000 }, async () => {
    const upstream = await upstreamRun();
    const run = await client.createDeploymentFlowRun(waiter.id, { parameters: { upstream: upstream.id, timeoutSeconds: 4 } });
    // The one worker left, "second" (threshold 2 s), takes it: 4 s > 2 s, so it suspends.
    const failed = await waitForState(run.id, "Failed", 60_000);
    expect(failed.state.message).toContain("waitForEvent('flow-run.Completed'): no matching event was stored within 4 s");
    expect((await client.readFlowRunStates(run.id)).map((state) => state.name)).toContain("Suspended");
  });
});
