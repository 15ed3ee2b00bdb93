import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import { makeState, type StateName } from "../../src/core/states.js";
import { cancelChildrenOfCancelledRuns } from "../../src/orchestration/maintenance/cancel-children-of-cancelled-runs.js";
import { deleteExpiredRunData } from "../../src/orchestration/maintenance/delete-expired-run-data.js";
import { expireConcurrencyLeases } from "../../src/orchestration/maintenance/expire-concurrency-leases.js";
import { markLateFlowRuns } from "../../src/orchestration/maintenance/mark-late-flow-runs.js";
import type { Orchestration } from "../../src/orchestration/create-orchestration.js";
import { deployWithSchedule, useServiceTestBed } from "./service-test-kit.js";

/** Move a run through states, each accepted. */
async function moveFlowRun(api: Orchestration, clock: Clock, id: string, ...names: StateName[]): Promise<void> {
  for (const name of names) {
    const result = await api.setFlowRunState(id, { state: makeState(name, { now: clock.now() }) });
    expect(result.status, `${name}: ${result.reason}`).toBe("ACCEPT");
  }
}

describe("maintenance use cases", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T12:00:00Z");

  const moveTo = (id: string, ...names: StateName[]) => moveFlowRun(api(), bed().clock, id, ...names);

  it("marks Scheduled runs Late once past their time plus the threshold; the type stays SCHEDULED", async () => {
    bed().clock.set("2026-07-01T12:00:00Z");
    const deployment = await deployWithSchedule(bed().opened[0]!, "late-check", null);
    const due = await api().createDeploymentFlowRun(deployment.id, { scheduledTime: "2026-07-01T12:00:10Z" });
    const later = await api().createDeploymentFlowRun(deployment.id, { scheduledTime: "2026-07-01T13:00:00Z" });
    bed().clock.set("2026-07-01T12:00:20Z");
    expect(await markLateFlowRuns(ctx(), { lateAfterSeconds: 15 })).toBe(0);
    bed().clock.set("2026-07-01T12:00:26Z");
    expect(await markLateFlowRuns(ctx(), { lateAfterSeconds: 15 })).toBe(1);
    const late = await api().readFlowRun(due.id);
    expect([late.stateType, late.stateName]).toEqual(["SCHEDULED", "Late"]);
    expect(late.state.message).toMatch(/no worker claimed it/);
    expect(late.nextScheduledStartTime).toBe("2026-07-01T12:00:10.000Z");
    expect((await api().readFlowRun(later.id)).stateName).toBe("Scheduled");
    // Already Late: not marked again.
    expect(await markLateFlowRuns(ctx(), { lateAfterSeconds: 15 })).toBe(0);
    expect((await api().readFlowRunStates(due.id)).map((state) => state.name)).toEqual(["Scheduled", "Late"]);
  });

  it("expires concurrency leases whose holder stopped renewing", async () => {
    bed().clock.set("2026-07-01T12:00:00Z");
    await api().createConcurrencyLimit({ tag: "db", limit: 1 });
    const stale = await api().acquireConcurrencySlots({ tags: ["db"], holderId: "dead-worker", leaseSeconds: 30 });
    expect(stale).not.toBeNull();
    bed().clock.set("2026-07-01T12:00:29Z");
    expect(await expireConcurrencyLeases(ctx())).toBe(0);
    bed().clock.set("2026-07-01T12:00:31Z");
    const fresh = await api().acquireConcurrencySlots({ tags: ["db"], holderId: "live-worker", leaseSeconds: 60 });
    expect(fresh).not.toBeNull();
    const beforeExpiry = await ctx().database.db.selectFrom("concurrency_leases").select("holder_id").execute();
    expect(await expireConcurrencyLeases(ctx())).toBe(beforeExpiry.filter((row) => row.holder_id === "dead-worker").length);
    const remaining = await ctx().database.db.selectFrom("concurrency_leases").select("holder_id").execute();
    expect(remaining.map((row) => row.holder_id)).toEqual(["live-worker"]);
  });

  it("cancels the unfinished children of a cancelled run", async () => {
    bed().clock.set("2026-07-01T12:00:00Z");
    const parent = await api().createFlowRun({ flowName: "parent" });
    await moveTo(parent.id, "Running");
    const runningChild = await api().createFlowRun({ flowName: "child", parentFlowRunId: parent.id });
    await moveTo(runningChild.id, "Running");
    const pendingChild = await api().createFlowRun({ flowName: "child", parentFlowRunId: parent.id });
    const doneChild = await api().createFlowRun({ flowName: "child", parentFlowRunId: parent.id });
    await moveTo(doneChild.id, "Running", "Completed");
    expect(await cancelChildrenOfCancelledRuns(ctx())).toEqual([]);
    await api().cancelFlowRun(parent.id);
    await moveTo(parent.id, "Cancelled");
    const cancelled = await cancelChildrenOfCancelledRuns(ctx());
    expect(cancelled.sort()).toEqual([runningChild.id, pendingChild.id].sort());
    expect((await api().readFlowRun(runningChild.id)).stateName).toBe("Cancelling");
    expect((await api().readFlowRun(pendingChild.id)).stateName).toBe("Cancelled");
    expect((await api().readFlowRun(doneChild.id)).stateName).toBe("Completed");
    expect(await cancelChildrenOfCancelledRuns(ctx())).toEqual([]);
  });
});

// Its own database: the runs of the other tests would be old enough to go too.
describe("retention of run data", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T00:00:00Z");
  const moveTo = (id: string, ...names: StateName[]) => moveFlowRun(api(), bed().clock, id, ...names);

  it("retention deletes finished runs deletes finished runs with their states, task runs and logs older than the age, and nothing else", async () => {
    const old = await api().createFlowRun({ flowName: "retained" });
    await moveTo(old.id, "Running");
    const timestamp = bed().clock.now().toISOString();
    await api().writeTaskRuns([
      { id: crypto.randomUUID(), flowRunId: old.id, name: "t", taskKey: "t", dynamicKey: "0", states: [makeState("Running", { now: bed().clock.now() }), makeState("Completed", { now: bed().clock.now() })] },
    ]);
    await api().appendLogs([{ flowRunId: old.id, level: "INFO", name: "weir.flow_runs", message: "old line", timestamp }]);
    await api().createArtifact({ type: "markdown", data: "# old", flowRunId: old.id });
    await moveTo(old.id, "Completed");
    const stillRunning = await api().createFlowRun({ flowName: "retained" });
    await moveTo(stillRunning.id, "Running");
    bed().clock.set("2026-07-09T00:00:00Z");
    const recent = await api().createFlowRun({ flowName: "retained" });
    await moveTo(recent.id, "Running", "Completed");
    await api().appendLogs([{ flowRunId: recent.id, level: "INFO", name: "weir.flow_runs", message: "new line", timestamp: bed().clock.now().toISOString() }]);

    const deleted = await deleteExpiredRunData(ctx(), { olderThanSeconds: 7 * 86_400 });
    expect(deleted.flowRuns).toBe(1);
    await expect(api().readFlowRun(old.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const { db } = ctx().database;
    expect(await db.selectFrom("flow_run_states").select("id").where("flow_run_id", "=", old.id).execute()).toEqual([]);
    expect(await db.selectFrom("task_runs").select("id").where("flow_run_id", "=", old.id).execute()).toEqual([]);
    expect(await db.selectFrom("artifacts").select("id").where("flow_run_id", "=", old.id).execute()).toEqual([]);
    expect((await api().readLogs({ flowRunId: old.id })).length).toBe(0);
    expect((await api().readFlowRun(stillRunning.id)).stateName).toBe("Running");
    expect((await api().readFlowRun(recent.id)).stateName).toBe("Completed");
    expect((await api().readLogs({ flowRunId: recent.id })).map((log) => log.message)).toEqual(["new line"]);
    expect(await deleteExpiredRunData(ctx(), { olderThanSeconds: 7 * 86_400 })).toEqual({ flowRuns: 0, taskRuns: 0, logs: 0, results: 0, hasMore: false });
  });
});

describe("retention in batches", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T00:00:00Z");

  it("stops after maxBatches full batches with hasMore, and the next pass deletes the rest", async () => {
    for (let index = 0; index < 3; index++) {
      const run = await api().createFlowRun({ flowName: "batched" });
      await moveFlowRun(api(), bed().clock, run.id, "Running", "Completed");
    }
    bed().clock.set("2026-07-09T00:00:00Z");
    const options = { olderThanSeconds: 7 * 86_400, batchSize: 1, maxBatches: 2 };
    expect(await deleteExpiredRunData(ctx(), options)).toEqual({ flowRuns: 2, taskRuns: 0, logs: 0, results: 0, hasMore: true });
    expect(await deleteExpiredRunData(ctx(), options)).toEqual({ flowRuns: 1, taskRuns: 0, logs: 0, results: 0, hasMore: false });
    expect(await ctx().database.db.selectFrom("flow_runs").select("id").execute()).toEqual([]);
  });
});
