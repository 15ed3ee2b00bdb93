/**
 * The flow-run hot path (apply-flow-run-state-guarded.ts, flow-run-batch-statements.ts,
 * write-batcher.ts): a state change decided on the row this process wrote last must give the
 * same answers as the locked path. Two service layers share one database (as an SDK process and
 * a server, or two replicas), so one's cached rows go stale behind the other's changes; many
 * runs are created and finished at once, so writes are batched. Runs on SQLite and PostgreSQL.
 */
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { createTestDatabase, testEngine, type TestDatabase } from "../helpers/test-database.js";

describe("flow-run hot path", () => {
  let database: TestDatabase;
  let sdkSide: OpenedOrchestration;
  let serverSide: OpenedOrchestration;
  beforeAll(async () => {
    database = await createTestDatabase();
    sdkSide = await openOrchestration({ databaseUrl: database.url });
    serverSide = await openOrchestration({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await sdkSide?.close();
    await serverSide?.close();
    await database?.dispose();
  });

  const names = async (id: string) => (await serverSide.orchestration.readFlowRunStates(id)).map((state) => state.name);

  it("records Pending before Running for a run created Running, then Completed", async () => {
    const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot", state: makeState("Running") });
    expect(run).toMatchObject({ stateName: "Running", runCount: 1 });
    const done = makeState("Completed");
    expect((await sdkSide.orchestration.setFlowRunState(run.id, { state: done, transitionId: done.id })).status).toBe("ACCEPT");
    expect(await names(run.id)).toEqual(["Pending", "Running", "Completed"]);
    expect(await serverSide.orchestration.readFlowRun(run.id)).toMatchObject({ stateName: "Completed", runCount: 1, endTime: done.timestamp });
  });

  it("decides on the stored state when another process changed the run meanwhile", async () => {
    const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot", state: makeState("Running") });
    expect((await serverSide.orchestration.cancelFlowRun(run.id)).stateName).toBe("Cancelling");
    // The SDK side still has the run cached as Running, where Completed would be accepted.
    const late = await sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
    expect(late.status).not.toBe("ACCEPT");
    expect(late.state.name).toBe("Cancelling");
    expect((await sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Cancelled") })).status).toBe("ACCEPT");
    expect(await names(run.id)).toEqual(["Pending", "Running", "Cancelling", "Cancelled"]);
  });

  it("keeps a heartbeat written by another process when the run then changes state", async () => {
    const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot", state: makeState("Running") });
    const beat = await serverSide.orchestration.heartbeatFlowRun(run.id, { infrastructurePid: "42@elsewhere", heartbeatIntervalSeconds: 7 });
    await sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
    expect(await serverSide.orchestration.readFlowRun(run.id)).toMatchObject({
      stateName: "Completed",
      heartbeatAt: beat.heartbeatAt,
      infrastructurePid: "42@elsewhere",
      heartbeatIntervalSeconds: 7,
    });
  });

  it("applies a claimed run's Running with the heartbeat it carries, and keeps a pid set by another process when it carries none", async () => {
    await serverSide.orchestration.createWorkPool({ name: "hot-pool" });
    const deployment = await serverSide.orchestration.upsertDeployment({ name: "hot-claim", flowName: "hot", entrypoint: "flows.ts:hot", path: "/tmp", workPoolName: "hot-pool" });
    const first = await serverSide.orchestration.createDeploymentFlowRun(deployment.id);
    const second = await serverSide.orchestration.createDeploymentFlowRun(deployment.id);
    const claimed = await serverSide.orchestration.claimFlowRuns({ workPoolName: "hot-pool", workerId: "w-1", workerName: "w", limit: 2 });
    expect(claimed.map((run) => run.id).sort()).toEqual([first.id, second.id].sort());
    // The claiming service layer remembers the Pending rows: Running goes on them, with the heartbeat.
    const running = await serverSide.orchestration.setFlowRunState(first.id, { state: makeState("Running"), heartbeat: { infrastructurePid: "7@here", heartbeatIntervalSeconds: 11 } });
    expect(running.status).toBe("ACCEPT");
    expect(await serverSide.orchestration.readFlowRun(first.id)).toMatchObject({ stateName: "Running", runCount: 1, workerId: "w-1", infrastructurePid: "7@here", heartbeatIntervalSeconds: 11 });
    // Another process heartbeats the second run while it is Pending; Running without a heartbeat keeps that pid.
    await sdkSide.orchestration.heartbeatFlowRun(second.id, { infrastructurePid: "9@there", heartbeatIntervalSeconds: 5 });
    expect((await serverSide.orchestration.setFlowRunState(second.id, { state: makeState("Running") })).status).toBe("ACCEPT");
    expect(await serverSide.orchestration.readFlowRun(second.id)).toMatchObject({ stateName: "Running", workerId: "w-1", infrastructurePid: "9@there", heartbeatIntervalSeconds: 5 });
    expect(await names(first.id)).toEqual(["Scheduled", "Pending", "Running"]);
  });

  it("answers a repeated transition id with the first decision, without a second state", async () => {
    const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot", state: makeState("Running") });
    const done = makeState("Completed");
    const first = await sdkSide.orchestration.setFlowRunState(run.id, { state: done, transitionId: done.id });
    const again = await sdkSide.orchestration.setFlowRunState(run.id, { state: done, transitionId: done.id });
    expect(again).toEqual(first);
    expect(await names(run.id)).toEqual(["Pending", "Running", "Completed"]);
  });

  it("creates and finishes 200 runs at once, each with its whole history", async () => {
    const runs = await Promise.all(Array.from({ length: 200 }, (_, index) => sdkSide.orchestration.createFlowRun({ flowName: "hot-many", parameters: { index }, state: makeState("Running") })));
    expect(new Set(runs.map((run) => run.id)).size).toBe(200);
    const results = await Promise.all(
      runs.map((run, index) => {
        const state = index % 2 === 0 ? makeState("Completed") : makeState("Failed", { message: `no ${index}`, error: { name: "Error", message: `no ${index}`, isRetryable: false } });
        return sdkSide.orchestration.setFlowRunState(run.id, { state, transitionId: state.id });
      }),
    );
    expect(results.every((result) => result.status === "ACCEPT")).toBe(true);
    expect(await serverSide.orchestration.countFlowRuns({ flowNames: ["hot-many"], stateTypes: ["COMPLETED"] })).toBe(100);
    expect(await serverSide.orchestration.countFlowRuns({ flowNames: ["hot-many"], stateTypes: ["FAILED"] })).toBe(100);
    for (const [index, run] of runs.entries()) {
      expect(await names(run.id)).toEqual(["Pending", "Running", index % 2 === 0 ? "Completed" : "Failed"]);
      expect((await serverSide.orchestration.readFlowRun(run.id)).parameters).toEqual({ index });
    }
  });

  it("accepts exactly one of two finishes proposed at once for one run", async () => {
    const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot", state: makeState("Running") });
    const [completed, failed] = await Promise.all([
      sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Completed") }),
      sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Failed", { error: { name: "Error", message: "x", isRetryable: false } }) }),
    ]);
    expect([completed.status, failed.status].filter((status) => status === "ACCEPT")).toHaveLength(1);
    const history = await names(run.id);
    expect(history).toHaveLength(3);
    expect(history.slice(0, 2)).toEqual(["Pending", "Running"]);
  });

  it("gives back an existing run for a repeated create, writing nothing twice", async () => {
    const id = crypto.randomUUID();
    const [first, second] = await Promise.all([
      sdkSide.orchestration.createFlowRun({ id, flowName: "hot", state: makeState("Running") }),
      sdkSide.orchestration.createFlowRun({ id, flowName: "hot", state: makeState("Running") }),
    ]);
    expect(second.id).toBe(first.id);
    expect(second.state.id).toBe(first.state.id);
    expect(await names(id)).toEqual(["Pending", "Running"]);
  });

  it.skipIf(testEngine() !== "postgres")("keeps working after another process adds a column to flow_runs (prepared statements)", async () => {
    const finish = async () => {
      const run = await sdkSide.orchestration.createFlowRun({ flowName: "hot-altered", state: makeState("Running") });
      return sdkSide.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
    };
    // Enough calls that the statements are prepared (and planned generically) on the pool's connections.
    for (let index = 0; index < 12; index++) expect((await finish()).status).toBe("ACCEPT");
    const url = new URL(database.url);
    const schema = url.searchParams.get("schema");
    url.searchParams.delete("schema");
    const admin = new pg.Client({ connectionString: url.toString(), options: `-c search_path=${schema}` });
    await admin.connect();
    try {
      await admin.query("alter table flow_runs add column added_later text");
    } finally {
      await admin.end();
    }
    for (let index = 0; index < 12; index++) expect((await finish()).status).toBe("ACCEPT");
    expect(await serverSide.orchestration.countFlowRuns({ flowNames: ["hot-altered"], stateTypes: ["COMPLETED"] })).toBe(24);
  });
});
