/**
 * The flow-run rules as the background services apply them (issue 11): crash detection of a run
 * whose worker died between claim and start, task runs ending with a crashed or cancelled flow
 * run, and cancellation cleanup finishing only the Cancelling runs with no live process. On the
 * engine WEIR_TEST_DB names, with a clock moved by hand.
 */
import { describe, expect, it } from "vitest";
import { makeState, type StateName } from "../../src/core/states.js";
import { finishAbandonedCancellingRuns } from "../../src/orchestration/maintenance/finish-abandoned-cancelling-runs.js";
import { markCrashedFlowRuns } from "../../src/orchestration/maintenance/mark-crashed-flow-runs.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { ManualClock } from "./contract-helpers.js";

describe("flow-run rules applied by the background services", () => {
  const clock = new ManualClock(Date.parse("2030-06-01T00:00:00.000Z"));
  const { opened } = useTestOrchestration({ clock });
  const api = () => opened.orchestration;
  const names = async (id: string): Promise<StateName[]> => (await api().readFlowRunStates(id)).map((state) => state.name);

  async function deployedRun(retries: number) {
    const pool = await api().createWorkPool({ name: `pool-${crypto.randomUUID().slice(0, 8)}` });
    const deployment = await api().upsertDeployment({
      name: `d-${crypto.randomUUID().slice(0, 8)}`,
      flowName: "maintained",
      entrypoint: "flows.ts:maintained",
      workPoolName: pool.name,
      retryPolicy: { retries, retryDelaySeconds: [0] },
    });
    const run = await api().createDeploymentFlowRun(deployment.id);
    return { pool: pool.name, run };
  }

  async function runningTask(flowRunId: string): Promise<string> {
    const id = crypto.randomUUID();
    await api().writeTaskRuns([{ id, flowRunId, name: "slow-0", taskKey: "slow", dynamicKey: "0", states: [makeState("Running", { now: clock.now() })] }]);
    return id;
  }

  it("a worker killed between claim and start: crash detection puts the Pending run back to Scheduled, run count 0, retries untouched", async () => {
    const { pool, run } = await deployedRun(0);
    const [claimed] = await api().claimFlowRuns({ workPoolName: pool, workerId: "worker-killed", limit: 1 });
    expect(claimed?.id).toBe(run.id);
    clock.advance(60_000);
    expect(await markCrashedFlowRuns(opened.context)).toEqual([]);
    clock.advance(31_000);
    expect(await markCrashedFlowRuns(opened.context)).toEqual([run.id]);
    const rescheduled = await api().readFlowRun(run.id);
    expect(rescheduled).toMatchObject({ stateName: "Scheduled", runCount: 0, nextScheduledStartTime: clock.now().toISOString() });
    expect(rescheduled.state.message).toMatch(/^rescheduled: crashed before it started .*no heartbeat for 91 s/);
    expect(await names(run.id)).toEqual(["Scheduled", "Pending", "Crashed", "Scheduled"]);
    const [again] = await api().claimFlowRuns({ workPoolName: pool, workerId: "worker-alive", limit: 1 });
    expect(again).toMatchObject({ id: run.id, workerId: "worker-alive" });
  });

  it("crash detection of a Running run ends its Running task runs Crashed", async () => {
    const { pool, run } = await deployedRun(0);
    await api().claimFlowRuns({ workPoolName: pool, workerId: "worker-1", limit: 1 });
    await api().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
    const task = await runningTask(run.id);
    clock.advance(91_000);
    expect(await markCrashedFlowRuns(opened.context)).toContain(run.id);
    expect((await api().readFlowRun(run.id)).stateName).toBe("Crashed");
    const crashedTask = await api().readTaskRun(task);
    expect(crashedTask).toMatchObject({ stateName: "Crashed", totalRunTimeMs: 91_000 });
    expect(crashedTask.state.message).toMatch(/crashed: no heartbeat/);
  });

  it("a second cancel leaves a Cancelling run alone; cleanup finishes it only once its process is silent past the threshold", async () => {
    const run = await api().createFlowRun({ flowName: "maintained", state: makeState("Running", { now: clock.now() }) });
    await api().heartbeatFlowRun(run.id, { heartbeatIntervalSeconds: 10 });
    const task = await runningTask(run.id);
    expect((await api().cancelFlowRun(run.id)).stateName).toBe("Cancelling");
    clock.advance(5_000);
    expect((await api().cancelFlowRun(run.id)).stateName).toBe("Cancelling");
    expect(await finishAbandonedCancellingRuns(opened.context)).toEqual([]);
    // Still heartbeating: still stopping.
    clock.advance(20_000);
    await api().heartbeatFlowRun(run.id);
    clock.advance(20_000);
    expect(await finishAbandonedCancellingRuns(opened.context)).toEqual([]);
    expect((await api().readTaskRun(task)).stateName).toBe("Running");
    clock.advance(11_000);
    expect(await finishAbandonedCancellingRuns(opened.context)).toEqual([run.id]);
    const cancelled = await api().readFlowRun(run.id);
    expect(cancelled.stateName).toBe("Cancelled");
    expect(cancelled.state.message).toMatch(/no heartbeat for 31 s .*the process being cancelled is gone/);
    expect((await api().readTaskRun(task)).stateName).toBe("Cancelled");
    expect(await names(run.id)).toEqual(["Pending", "Running", "Cancelling", "Cancelled"]);
  });

  it("cleanup finishes at once a Cancelling run that never started", async () => {
    const run = await api().createFlowRun({ flowName: "maintained" });
    expect((await api().setFlowRunState(run.id, { state: makeState("Cancelling", { now: clock.now() }) })).status).toBe("ACCEPT");
    expect(await finishAbandonedCancellingRuns(opened.context)).toEqual([run.id]);
    expect((await api().readFlowRun(run.id)).state.message).toMatch(/never started/);
  });
});
