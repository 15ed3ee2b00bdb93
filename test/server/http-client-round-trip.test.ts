/**
 * Every area of `HttpClient` round-trips through the routes in process: paths, bodies, query
 * strings and response envelopes line up with the service layer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;

beforeAll(async () => {
  server = await createServerTestApp();
});
afterAll(async () => {
  await server.close();
});

describe("HttpClient round trips", () => {
  it("flows and flow runs: create, filter, count, states, actions, delete", async () => {
    const { client } = server;
    const flow = await client.upsertFlow({ name: "etl", tags: ["nightly"] });
    expect(await client.readFlow("etl")).toMatchObject({ id: flow.id, tags: ["nightly"] });
    expect((await client.listFlows({ limit: 10 })).items.map((item) => item.name)).toContain("etl");

    const parent = await client.createFlowRun({ flowName: "etl", tags: ["a", "b"], parameters: { n: 1 } });
    const child = await client.createFlowRun({ flowName: "etl", parentFlowRunId: parent.id });
    expect((await client.listFlowRuns({ tags: ["a", "b"] })).items.map((run) => run.id)).toEqual([parent.id]);
    expect((await client.listFlowRuns({ parentFlowRunId: null })).items.map((run) => run.id)).toEqual([parent.id]);
    expect((await client.listFlowRuns({ parentFlowRunId: parent.id })).items.map((run) => run.id)).toEqual([child.id]);
    expect(await client.countFlowRuns({ flowNames: ["etl"], stateTypes: ["PENDING", "SCHEDULED"] })).toBe(2);
    const page = await client.listFlowRuns({ flowNames: ["etl"] }, { limit: 1 });
    expect(page.items).toHaveLength(1);
    expect(page.nextCursor).not.toBeNull();
    const next = await client.listFlowRuns({ flowNames: ["etl"] }, { limit: 1, cursor: page.nextCursor });
    expect(next.items[0]?.id).not.toBe(page.items[0]?.id);

    const running = await client.setFlowRunState(parent.id, { state: makeState("Running"), transitionId: "t-1" });
    expect(running.status).toBe("ACCEPT");
    const again = await client.setFlowRunState(parent.id, { state: makeState("Running"), transitionId: "t-1" });
    expect(again.state.id).toBe(running.state.id);
    expect((await client.heartbeatFlowRun(parent.id, { infrastructurePid: "1@host", heartbeatIntervalSeconds: 5 })).heartbeatAt).not.toBeNull();
    expect((await client.readFlowRunStates(parent.id)).map((state) => state.name)).toEqual(["Pending", "Running"]);
    expect((await client.cancelFlowRun(parent.id)).stateType).toBe("CANCELLING");
    await client.setFlowRunState(parent.id, { state: makeState("Cancelled") });
    // No deployment: nothing could start it again, so the retry is refused with the reason.
    await expect(client.retryFlowRun(parent.id)).rejects.toMatchObject({ code: "INVALID_TRANSITION", message: expect.stringMatching(/no deployment/) });
    await client.deleteFlowRun(child.id);
    await expect(client.readFlowRun(child.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("task runs, cache, logs and artifacts", async () => {
    const { client } = server;
    await client.upsertFlow({ name: "tasks" });
    const run = await client.createFlowRun({ flowName: "tasks" });
    const id = crypto.randomUUID();
    const running = makeState("Running");
    const completed = makeState("Completed", { result: { kind: "inline", value: 42 } });
    await client.writeTaskRuns([
      { id, flowRunId: run.id, name: "add-0", taskKey: "add", dynamicKey: "0", cacheKey: "k1", states: [running, completed] },
    ]);
    expect(await client.readTaskRun(id)).toMatchObject({ stateType: "COMPLETED", cacheKey: "k1" });
    expect((await client.listTaskRuns({ flowRunId: run.id, stateTypes: ["COMPLETED"], taskKey: "add" })).items).toHaveLength(1);
    expect((await client.readTaskRunStates(id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
    expect((await client.findCachedTaskRun("k1"))?.taskRunId).toBe(id);
    expect(await client.findCachedTaskRun("nope")).toBeNull();

    await client.appendLogs([
      { flowRunId: run.id, level: "INFO", name: "weir.flow_runs", message: "hello", timestamp: new Date().toISOString() },
      { flowRunId: run.id, level: "ERROR", name: "weir.flow_runs", message: "boom", timestamp: new Date().toISOString() },
    ]);
    const logs = await client.readLogs({ flowRunId: run.id });
    expect(logs.map((log) => log.message)).toEqual(["hello", "boom"]);
    expect((await client.readLogs({ flowRunId: run.id, minLevel: "ERROR" })).map((log) => log.message)).toEqual(["boom"]);
    expect(await client.readLogs({ flowRunId: run.id, afterId: logs[1]?.id })).toEqual([]);

    const artifact = await client.createArtifact({ type: "markdown", key: "report", data: "# hi", flowRunId: run.id });
    expect((await client.updateArtifact(artifact.id, { data: "# bye" })).data).toBe("# bye");
    expect((await client.readArtifact(artifact.id)).key).toBe("report");
    expect((await client.listArtifacts({ flowRunId: run.id, type: "markdown" })).items).toHaveLength(1);
  });

  it("variables, concurrency limits and leases", async () => {
    const { client } = server;
    expect(await client.getVariable("missing")).toBeNull();
    await client.setVariable("answer", { n: 42 }, ["t"]);
    expect(await client.getVariable("answer")).toMatchObject({ value: { n: 42 }, tags: ["t"] });
    await client.setVariable("zero", 0);
    expect((await client.getVariable("zero"))?.value).toBe(0);
    expect((await client.listVariables()).items.map((variable) => variable.name).sort()).toEqual(["answer", "zero"]);
    await client.deleteVariable("answer");
    expect(await client.getVariable("answer")).toBeNull();

    await client.createConcurrencyLimit({ tag: "db", limit: 1 });
    expect((await client.listConcurrencyLimits()).map((limit) => limit.tag)).toEqual(["db"]);
    const lease = await client.acquireConcurrencySlots({ tags: ["db"], holderId: "h1", leaseSeconds: 30 });
    expect(lease).not.toBeNull();
    expect(await client.acquireConcurrencySlots({ tags: ["db"], holderId: "h2" })).toBeNull();
    expect((await client.readConcurrencyLimit("db")).activeSlots).toBe(1);
    await client.renewConcurrencyLease(lease?.id ?? "", 60);
    await client.releaseConcurrencyLease(lease?.id ?? "");
    expect((await client.readConcurrencyLimit("db")).activeSlots).toBe(0);
    await client.deleteConcurrencyLimit("db");
    await expect(client.readConcurrencyLimit("db")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("work pools, queues and workers", async () => {
    const { client } = server;
    await client.createWorkPool({ name: "gpu", concurrencyLimit: 2 });
    expect((await client.readWorkPool("gpu")).concurrencyLimit).toBe(2);
    expect((await client.updateWorkPool("gpu", { isPaused: true })).isPaused).toBe(true);
    expect((await client.listWorkPools()).map((pool) => pool.name).sort()).toEqual(["default", "gpu"]);
    await client.createWorkQueue({ workPoolName: "gpu", name: "high", priority: 1 });
    expect((await client.readWorkQueue("gpu", "high")).priority).toBe(1);
    expect((await client.updateWorkQueue("gpu", "high", { priority: 3 })).priority).toBe(3);
    expect((await client.listWorkQueues("gpu")).map((queue) => queue.name)).toContain("high");
    expect((await client.listWorkQueues()).length).toBeGreaterThanOrEqual(2);
    const worker = await client.workerHeartbeat({ workPoolName: "gpu", name: "w1", heartbeatIntervalSeconds: 5 });
    expect(worker.workPoolName).toBe("gpu");
    expect((await client.listWorkers("gpu")).map((item) => item.name)).toEqual(["w1"]);
    expect((await client.listWorkers()).length).toBe(1);
    await client.deleteWorkQueue("gpu", "high");
    await expect(client.readWorkQueue("gpu", "high")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await client.deleteWorkPool("gpu");
    await expect(client.readWorkPool("gpu")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("deployments, schedules, deployment runs and claims", async () => {
    const { client } = server;
    await client.upsertFlow({ name: "report" });
    const deployment = await client.upsertDeployment({
      name: "daily",
      flowName: "report",
      entrypoint: "flows/report.ts:report",
      parameters: { n: 1 },
      schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
    });
    expect((await client.readDeploymentByName("report/daily")).id).toBe(deployment.id);
    expect((await client.readDeployment(deployment.id)).schedules).toHaveLength(1);
    expect((await client.listDeployments({ flowNames: ["report"] })).items.map((item) => item.id)).toEqual([deployment.id]);
    expect((await client.listDeployments({ flowNames: ["nope"] })).items).toEqual([]);
    expect((await client.updateDeployment(deployment.id, { isPaused: true })).isPaused).toBe(true);
    await client.updateDeployment(deployment.id, { isPaused: false });
    const schedule = await client.createDeploymentSchedule(deployment.id, { schedule: { interval: 3600 } });
    expect((await client.updateDeploymentSchedule(deployment.id, schedule.id, { isActive: false })).isActive).toBe(false);
    await client.deleteDeploymentSchedule(deployment.id, schedule.id);
    expect((await client.readDeployment(deployment.id)).schedules).toHaveLength(1);

    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { n: 2 }, idempotencyKey: "once" });
    expect(run).toMatchObject({ deploymentId: deployment.id, parameters: { n: 2 }, stateType: "SCHEDULED" });
    expect((await client.createDeploymentFlowRun(deployment.id, { idempotencyKey: "once" })).id).toBe(run.id);
    const claimed = await client.claimFlowRuns({ workPoolName: "default", workerId: "w1", limit: 10 });
    expect(claimed.map((item) => item.id)).toContain(run.id);
    expect(await client.claimFlowRuns({ workPoolName: "default", workerId: "w2", limit: 10 })).toEqual([]);
    await client.deleteDeployment(deployment.id);
    await expect(client.readDeployment(deployment.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("schedule preview", async () => {
    const response = await server.fetch("http://localhost/api/schedules/preview", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, count: 2, after: "2026-01-01T00:00:00Z" }),
    });
    expect(await response.json()).toEqual({ times: ["2026-01-01T01:00:00.000Z", "2026-01-02T01:00:00.000Z"] });
    const bad = await server.fetch("http://localhost/api/schedules/preview", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ schedule: { cron: "0 8 * * *", timezone: "Mars/Phobos" } }),
    });
    expect(bad.status).toBe(422);
  });
});
