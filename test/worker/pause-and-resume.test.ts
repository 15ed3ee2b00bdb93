/**
 * Typed pause and resume with real processes: a deployment run pauses for `{ approved: boolean,
 * note?: string }` in a worker's child process; `weir flow-run resume NAME --input …` refuses a
 * wrong type naming the field (exit 2; the server's 422 says the same), and resumes it with a
 * right one, which the flow gets back. A suspended run releases its process, and after a resume
 * another worker runs it to the end, reusing the task that finished before the suspension.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment, FlowRun } from "../../src/core/models.js";
import type { RunningWorker } from "../../src/worker/start-worker.js";
import { runCli } from "../cli/run-cli.js";
import { useTestServer } from "../helpers/test-server.js";
import { isProcessAlive, REPO_ROOT, runLogText, serverEnv, startTestWorker, waitFor, waitForRunState } from "./worker-test-kit.js";

const { database, server } = useTestServer();
let client: HttpClient;
let approve: Deployment;
let suspender: Deployment;
const workers: RunningWorker[] = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  const common = { path: REPO_ROOT, workPoolName: "default" };
  approve = await client.upsertDeployment({ ...common, name: "approval", flowName: "approve", entrypoint: "test/worker/fixtures/pause-flows.ts:approve" });
  suspender = await client.upsertDeployment({ ...common, name: "later", flowName: "suspender", entrypoint: "test/worker/fixtures/pause-flows.ts:suspender", workQueueName: "suspend" });
});

afterAll(async () => {
  await Promise.all(workers.map((worker) => worker.stop()));
  await client?.close();
});

function workerOn(queue: string, name: string): Promise<RunningWorker> {
  return startTestWorker(workers, { client, apiUrl: server.url }, { queue, name });
}

function cli(args: readonly string[]) {
  return runCli(args, serverEnv(server.url, database.dir), 60_000);
}

const waitForState = (id: string, name: string, timeoutMs?: number): Promise<FlowRun> => waitForRunState(client, id, name, timeoutMs);
const logText = (id: string): Promise<string> => runLogText(client, id);

describe("typed pause and resume", () => {
  it("pauses for typed input, refuses a wrong type naming the field, resumes and returns the input", { timeout: 120_000 }, async () => {
    await workerOn("default", "pauser");
    const run = await client.createDeploymentFlowRun(approve.id);
    const paused = await waitForState(run.id, "Paused");
    expect(paused.state.details?.inputSchema).toMatchObject({ type: "object", properties: { approved: { type: "boolean" }, note: { type: "string" } }, required: ["approved"] });

    // Read by the field's type on the command line: not a boolean, exit 2, the field named.
    const wrongType = await cli(["flow-run", "resume", paused.name, "--input", "approved=maybe"]);
    expect(wrongType.code).toBe(2);
    expect(wrongType.stderr).toContain("'approved' expects true or false");
    // The same refused by the server (JSON input is not read by type on the command line).
    const refused = await cli(["flow-run", "resume", paused.name, "--inputs", '{"approved":"yes"}']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--input approved: 'approved' must be boolean, got string/);
    const missing = await cli(["flow-run", "resume", paused.name]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/approved' is required/);
    await expect(client.resumeFlowRun(paused.id, { approved: 1 })).rejects.toMatchObject({
      code: "VALIDATION",
      details: { issues: [{ path: "input.approved", message: "must be boolean, got integer" }] },
    });
    expect((await client.readFlowRun(run.id)).stateName).toBe("Paused");

    const resumed = await cli(["flow-run", "resume", paused.name, "--input", "approved=true", "--input", "note=ship it"]);
    expect(resumed.stderr).toBe("");
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain("resumed");
    const completed = await waitForState(run.id, "Completed");
    expect(completed.runCount).toBe(1);
    expect(await logText(run.id)).toContain('RESUMED {"approved":true,"note":"ship it"}');
    const names = (await client.readFlowRunStates(run.id)).map((state) => state.name);
    expect(names).toEqual(["Scheduled", "Pending", "Running", "Paused", "Running", "Completed"]);
  });

  it("releases the process of a suspended run, which another worker resumes reusing its finished task", { timeout: 150_000 }, async () => {
    const first = await workerOn("suspend", "first");
    const run = await client.createDeploymentFlowRun(suspender.id);
    const suspended = await waitForState(run.id, "Suspended");
    expect(suspended.workerName).toBe("first");
    const firstPid = Number(suspended.infrastructurePid?.split(":").pop());
    // The process exits; the worker does not take the run for crashed.
    await waitFor(async () => !isProcessAlive(firstPid), 20_000, "the suspended run's process to exit");
    await first.stop();
    expect((await client.readFlowRun(run.id)).stateName).toBe("Suspended");

    const refused = await cli(["flow-run", "resume", run.id, "--input", "approved=no"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("'approved' expects true or false");
    const resumed = await cli(["flow-run", "resume", run.id, "--input", "approved=true"]);
    expect(resumed.code).toBe(0);
    expect((await client.readFlowRun(run.id)).stateType).toBe("SCHEDULED");

    await workerOn("suspend", "second");
    const completed = await waitForState(run.id, "Completed", 60_000);
    expect(completed.workerName).toBe("second");
    expect(completed.runCount).toBe(1);
    const finished = /FINISHED (\{.*\})/.exec(await logText(run.id));
    const values = JSON.parse(finished![1]!) as { preparedPid: number; finishedPid: number; approved: boolean };
    expect(values.approved).toBe(true);
    expect(values.preparedPid).toBe(firstPid);
    expect(values.finishedPid).not.toBe(firstPid);
    const prepares = (await client.listTaskRuns({ flowRunId: run.id })).items.filter((taskRun) => taskRun.taskKey === "prepare");
    expect(prepares.map((taskRun) => taskRun.stateName).sort()).toEqual(["Cached", "Completed"]);
    expect(prepares.find((taskRun) => taskRun.stateName === "Cached")?.state.message).toMatch(/^reused from attempt 1/);
  });
});
