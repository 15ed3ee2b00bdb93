/**
 * Contract part: the flow-run rule gaps found against Prefect's rule tests (issue 11): a crash
 * before the body starts, a resumed suspended run, moves only a deployment's run can make,
 * deployment limits on every way into a slot, task runs ending with their flow run, and a repeated
 * cancel. Each table row is (what the run is, what is proposed, what must follow).
 */
import { describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { makeState, type State, type StateName } from "../../src/core/states.js";
import { expectWeirError, type ContractScope } from "./contract-helpers.js";

/** Define the rule-gap part of the contract. */
export function defineRuleGapContract({ client, clock }: ContractScope): void {
  const unique = (prefix: string): string => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

  /** A deployment in a pool of its own (no other test claims its runs). */
  async function deployment(options: { retries?: number; concurrencyLimit?: number; collisionStrategy?: "ENQUEUE" | "CANCEL_NEW"; isServed?: boolean } = {}) {
    const pool = await client().createWorkPool({ name: unique("gaps-pool") });
    return client().upsertDeployment({
      name: unique("gaps"),
      flowName: "gaps-flow",
      entrypoint: "flows.ts:gaps",
      workPoolName: pool.name,
      retryPolicy: { retries: options.retries ?? 0, retryDelaySeconds: [0] },
      ...(options.concurrencyLimit === undefined ? {} : { concurrencyLimit: options.concurrencyLimit }),
      ...(options.collisionStrategy === undefined ? {} : { collisionStrategy: options.collisionStrategy }),
      ...(options.isServed === undefined ? {} : { isServed: options.isServed }),
    });
  }

  async function claimOne(workPoolName: string, workerId: string): Promise<FlowRun[]> {
    return client().claimFlowRuns({ workPoolName, workerId, limit: 1 });
  }

  const crash = (message = "the worker was killed"): State => makeState("Crashed", { now: clock.now(), message, error: { name: "MissedHeartbeats", message, isRetryable: true } });
  const names = async (id: string): Promise<StateName[]> => (await client().readFlowRunStates(id)).map((state) => state.name);

  describe("flow-run rule gaps", () => {
    it("a deployment's run that crashes while Pending goes back to Scheduled: no attempt counted, no retry spent, another worker claims it", async () => {
      const deployed = await deployment({ retries: 1 });
      const run = await client().createDeploymentFlowRun(deployed.id);
      expect((await claimOne(deployed.workPoolName, "worker-a")).map((claimed) => claimed.id)).toEqual([run.id]);
      const crashed = await client().setFlowRunState(run.id, { state: crash() });
      expect(crashed.status).toBe("ACCEPT");
      expect(crashed.state).toMatchObject({ type: "SCHEDULED", name: "Scheduled" });
      expect(crashed.state.message).toMatch(/^rescheduled: crashed before it started/);
      expect(await client().readFlowRun(run.id)).toMatchObject({ stateName: "Scheduled", runCount: 0, nextScheduledStartTime: clock.now().toISOString() });
      const again = await claimOne(deployed.workPoolName, "worker-b");
      expect(again.map((claimed) => [claimed.id, claimed.workerId])).toEqual([[run.id, "worker-b"]]);
      await client().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
      expect((await client().readFlowRun(run.id)).runCount).toBe(1);
      // Its one retry is still there.
      const failed = await client().setFlowRunState(run.id, { state: makeState("Failed", { now: clock.now(), message: "boom" }) });
      expect(failed.state.name).toBe("AwaitingRetry");
      expect(failed.state.message).toMatch(/^retry 1 of 1/);
      expect(await names(run.id)).toEqual(["Scheduled", "Pending", "Crashed", "Scheduled", "Pending", "Running", "Failed", "AwaitingRetry"]);
    });

    it("a run with no deployment that crashes while Pending ends Crashed (nothing could claim it)", async () => {
      const run = await client().createFlowRun({ flowName: "gaps-flow" });
      const crashed = await client().setFlowRunState(run.id, { state: crash() });
      expect(crashed).toMatchObject({ status: "ACCEPT", state: { name: "Crashed" } });
    });

    it("a suspended run of a deployment that is resumed does not count a second run, so it keeps its retry", async () => {
      const deployed = await deployment({ retries: 1 });
      const run = await client().createDeploymentFlowRun(deployed.id);
      await claimOne(deployed.workPoolName, "worker-a");
      await client().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
      expect((await client().setFlowRunState(run.id, { state: makeState("Suspended", { now: clock.now() }) })).status).toBe("ACCEPT");
      const resumed = await client().resumeFlowRun(run.id, { approved: true });
      expect(resumed).toMatchObject({ stateName: "Scheduled", runCount: 1 });
      expect((await claimOne(deployed.workPoolName, "worker-b")).map((claimed) => claimed.id)).toEqual([run.id]);
      await client().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
      expect((await client().readFlowRun(run.id)).runCount).toBe(1);
      const failed = await client().setFlowRunState(run.id, { state: makeState("Failed", { now: clock.now(), message: "boom" }) });
      expect(failed.state.message).toMatch(/^retry 1 of 1/);
      clock.advance(1_000);
      await client().claimFlowRuns({ workPoolName: deployed.workPoolName, workerId: "worker-c", limit: 1 });
      await client().setFlowRunState(run.id, { state: makeState("Retrying", { now: clock.now() }) });
      expect((await client().readFlowRun(run.id)).runCount).toBe(2);
    });

    it("refuses what only a deployment's run can do, with the reason: suspend, retry", async () => {
      const run = await client().createFlowRun({ flowName: "gaps-flow", state: makeState("Running", { now: clock.now() }) });
      const suspended = await client().setFlowRunState(run.id, { state: makeState("Suspended", { now: clock.now() }) });
      expect(suspended).toMatchObject({ status: "REJECT", state: { name: "Running" } });
      expect(suspended.reason).toMatch(/no deployment.*pause it instead/);
      await client().setFlowRunState(run.id, { state: makeState("Failed", { now: clock.now() }) });
      await expectWeirError(client().retryFlowRun(run.id), "INVALID_TRANSITION", "no deployment");
      expect((await client().readFlowRun(run.id)).stateName).toBe("Failed");
    });

    it("refuses a deployment concurrency limit of 0 at create and update, naming the field", async () => {
      const pool = await client().createWorkPool({ name: unique("gaps-pool") });
      const input = { name: unique("zero"), flowName: "gaps-flow", entrypoint: "flows.ts:gaps", workPoolName: pool.name };
      await expectWeirError(client().upsertDeployment({ ...input, concurrencyLimit: 0 }), "VALIDATION", "concurrencyLimit");
      const created = await client().upsertDeployment({ ...input, concurrencyLimit: 1 });
      await expectWeirError(client().updateDeployment(created.id, { concurrencyLimit: 0 }), "VALIDATION", "concurrencyLimit");
      expect((await client().updateDeployment(created.id, { concurrencyLimit: null })).concurrencyLimit).toBeNull();
    });

    it("holds a deployment's limit on a direct proposal to Running: WAIT as AwaitingConcurrencySlot (parked once), then starts when a slot frees", async () => {
      const deployed = await deployment({ concurrencyLimit: 1, isServed: true });
      const first = await client().createDeploymentFlowRun(deployed.id);
      const second = await client().createDeploymentFlowRun(deployed.id);
      expect((await client().setFlowRunState(first.id, { state: makeState("Running", { now: clock.now() }) })).status).toBe("ACCEPT");
      for (let attempt = 0; attempt < 2; attempt++) {
        const held = await client().setFlowRunState(second.id, { state: makeState("Running", { now: clock.now() }) });
        expect(held).toMatchObject({ status: "WAIT", state: { name: "AwaitingConcurrencySlot" } });
        expect(held.retryAfterSeconds).toBeGreaterThan(0);
        expect(held.reason).toMatch(/concurrency limit of 1/);
      }
      expect(await names(second.id)).toEqual(["Scheduled", "AwaitingConcurrencySlot"]);
      await client().setFlowRunState(first.id, { state: makeState("Completed", { now: clock.now() }) });
      expect((await client().setFlowRunState(second.id, { state: makeState("Running", { now: clock.now() }) })).status).toBe("ACCEPT");
      expect((await client().readFlowRun(second.id)).runCount).toBe(1);
    });

    it("a retry proposed while the deployment is full waits, still AwaitingRetry (its own process asks again)", async () => {
      const deployed = await deployment({ concurrencyLimit: 1, isServed: true, retries: 1 });
      const first = await client().createDeploymentFlowRun(deployed.id);
      const second = await client().createDeploymentFlowRun(deployed.id);
      await client().setFlowRunState(first.id, { state: makeState("Running", { now: clock.now() }) });
      expect((await client().setFlowRunState(first.id, { state: makeState("Failed", { now: clock.now() }) })).state.name).toBe("AwaitingRetry");
      expect((await client().setFlowRunState(second.id, { state: makeState("Running", { now: clock.now() }) })).status).toBe("ACCEPT");
      const held = await client().setFlowRunState(first.id, { state: makeState("Retrying", { now: clock.now() }) });
      expect(held).toMatchObject({ status: "WAIT", state: { name: "AwaitingRetry" } });
      expect(await names(first.id)).toEqual(["Scheduled", "Running", "Failed", "AwaitingRetry"]);
      await client().setFlowRunState(second.id, { state: makeState("Completed", { now: clock.now() }) });
      expect((await client().setFlowRunState(first.id, { state: makeState("Retrying", { now: clock.now() }) })).status).toBe("ACCEPT");
    });

    it("with CANCEL_NEW, a direct proposal to Running beyond the limit cancels the run (ABORT, with the reason)", async () => {
      const deployed = await deployment({ concurrencyLimit: 1, collisionStrategy: "CANCEL_NEW", isServed: true });
      const first = await client().createDeploymentFlowRun(deployed.id);
      const second = await client().createDeploymentFlowRun(deployed.id);
      await client().setFlowRunState(first.id, { state: makeState("Running", { now: clock.now() }) });
      const refused = await client().setFlowRunState(second.id, { state: makeState("Running", { now: clock.now() }) });
      expect(refused).toMatchObject({ status: "ABORT", state: { name: "Cancelled" } });
      expect(refused.state.message).toMatch(/concurrency limit of 1; collision strategy CANCEL_NEW/);
    });

    describe("task runs end with their flow run", () => {
      async function runWithTasks(): Promise<{ id: string; tasks: Record<"running" | "pending" | "completed", string> }> {
        const run = await client().createFlowRun({ flowName: "gaps-flow", state: makeState("Running", { now: clock.now() }) });
        const at = (offsetMs: number): Date => new Date(clock.now().getTime() + offsetMs);
        const tasks = { running: crypto.randomUUID(), pending: crypto.randomUUID(), completed: crypto.randomUUID() };
        await client().writeTaskRuns([
          { id: tasks.running, flowRunId: run.id, name: "slow-0", taskKey: "slow", dynamicKey: "0", states: [makeState("Pending", { now: at(1) }), makeState("Running", { now: at(2) })] },
          { id: tasks.pending, flowRunId: run.id, name: "next-0", taskKey: "next", dynamicKey: "0", states: [makeState("Pending", { now: at(3) })] },
          {
            id: tasks.completed,
            flowRunId: run.id,
            name: "done-0",
            taskKey: "done",
            dynamicKey: "0",
            states: [makeState("Pending", { now: at(1) }), makeState("Running", { now: at(2) }), makeState("Completed", { now: at(3) })],
          },
        ]);
        clock.advance(1_000);
        return { id: run.id, tasks };
      }

      const table: Array<{ how: string; end: (id: string) => Promise<unknown>; taskState: StateName }> = [
        { how: "the flow run crashes", end: (id) => client().setFlowRunState(id, { state: crash("the process died") }), taskState: "Crashed" },
        {
          how: "the flow run is cancelled (Cancelling, then Cancelled by its worker)",
          end: async (id) => {
            await client().cancelFlowRun(id);
            await client().setFlowRunState(id, { state: makeState("Cancelled", { now: clock.now() }) });
          },
          taskState: "Cancelled",
        },
        { how: "the flow run is forced Cancelled", end: (id) => client().setFlowRunState(id, { state: makeState("Cancelled", { now: clock.now() }), force: true }), taskState: "Cancelled" },
      ];
      for (const row of table) {
        it(`when ${row.how}, its Running and Pending task runs end ${row.taskState}; finished ones stay`, async () => {
          const { id, tasks } = await runWithTasks();
          await row.end(id);
          const running = await client().readTaskRun(tasks.running);
          expect(running).toMatchObject({ stateName: row.taskState, endTime: clock.now().toISOString(), totalRunTimeMs: 998 });
          expect(running.state.message).toContain(id);
          expect((await client().readTaskRun(tasks.pending)).stateName).toBe(row.taskState);
          expect((await client().readTaskRun(tasks.completed)).stateName).toBe("Completed");
          expect((await client().readTaskRunStates(tasks.running)).map((state) => state.name)).toEqual(["Pending", "Running", row.taskState]);
        });
      }

      it("a crashed attempt that is retried ends its task runs too; Cancelling leaves them running", async () => {
        const { id, tasks } = await runWithTasks();
        await client().cancelFlowRun(id);
        expect((await client().readTaskRun(tasks.running)).stateName).toBe("Running");
        const retried = await client().createFlowRun({ flowName: "gaps-flow", retryPolicy: { retries: 1, retryDelaySeconds: [0] }, state: makeState("Running", { now: clock.now() }) });
        const task = crypto.randomUUID();
        await client().writeTaskRuns([{ id: task, flowRunId: retried.id, name: "slow-0", taskKey: "slow", dynamicKey: "0", states: [makeState("Running", { now: clock.now() })] }]);
        const decided = await client().setFlowRunState(retried.id, { state: crash() });
        expect(decided.state.name).toBe("AwaitingRetry");
        expect((await client().readTaskRun(task)).stateName).toBe("Crashed");
      });
    });
  });
}
