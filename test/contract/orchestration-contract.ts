/**
 * The orchestration API contract, written once against `OrchestrationApi` and run by every
 * implementation: in process (test/contract/in-process.test.ts) and over HTTP (SERVER's tests),
 * each on SQLite and PostgreSQL (WEIR_TEST_DB). The harness gets a settable clock that its
 * service layer must use (leases and cache expiry are tested by moving it).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { makeState, type StateName } from "../../src/core/states.js";
import { expectWeirError, ManualClock, type ContractScope, type MakeContractHarness, type ContractHarness } from "./contract-helpers.js";
import { defineConcurrencyContract } from "./orchestration-contract-concurrency.js";
import { defineRecordContract } from "./orchestration-contract-records.js";
import { defineRuleGapContract } from "./orchestration-contract-rule-gaps.js";
import { defineTaskRunContract } from "./orchestration-contract-task-runs.js";

export { ManualClock, expectWeirError, type ContractHarness, type ContractScope, type MakeContractHarness } from "./contract-helpers.js";

/** Define the whole contract suite. */
export function describeOrchestrationContract(name: string, makeHarness: MakeContractHarness): void {
  describe(`orchestration contract: ${name}`, () => {
    const clock = new ManualClock();
    let harness: ContractHarness;
    const scope: ContractScope = { client: () => harness.client, clock };
    beforeAll(async () => {
      harness = await makeHarness({ clock });
    });
    afterAll(async () => {
      await harness?.close();
    });
    const client = (): OrchestrationApi => harness.client;
    const at = (offsetMs: number): string => new Date(clock.now().getTime() + offsetMs).toISOString();

    describe("flows", () => {
      it("upserts by name, reads by id or name, lists in name order with pages", async () => {
        const first = await client().upsertFlow({ name: "flow-b", description: "one", tags: ["x"] });
        const again = await client().upsertFlow({ name: "flow-b", description: "two", parameterSchema: { type: "object" } });
        expect(again.id).toBe(first.id);
        expect(again.description).toBe("two");
        expect(again.parameterSchema).toEqual({ type: "object" });
        expect((await client().readFlow(first.id)).name).toBe("flow-b");
        expect((await client().readFlow("flow-b")).id).toBe(first.id);
        await client().upsertFlow({ name: "flow-a" });
        await client().upsertFlow({ name: "flow-c" });
        const page1 = await client().listFlows({ limit: 2 });
        expect(page1.items.map((flow) => flow.name)).toEqual(["flow-a", "flow-b"]);
        const page2 = await client().listFlows({ limit: 2, cursor: page1.nextCursor });
        expect(page2.items.map((flow) => flow.name)).toContain("flow-c");
      });

      it("rejects bad input naming the field, and unknown flows with NOT_FOUND", async () => {
        await expectWeirError(client().upsertFlow({ name: "" }), "VALIDATION", "name");
        await expectWeirError(client().upsertFlow({ name: "ok", tags: "nope" as unknown as string[] }), "VALIDATION", "tags");
        await expectWeirError(client().readFlow("no-such-flow"), "NOT_FOUND");
      });
    });

    describe("flow runs", () => {
      it("creates a run with a client-chosen id, idempotently, starting Pending by default", async () => {
        const id = crypto.randomUUID();
        const run = await client().createFlowRun({ id, flowName: "runs-flow", parameters: { n: 1 }, tags: ["t1"] });
        expect(run).toMatchObject({ id, flowName: "runs-flow", stateType: "PENDING", stateName: "Pending", parameters: { n: 1 }, tags: ["t1"], runCount: 0 });
        expect(run.retryPolicy).toEqual({ retries: 0, retryDelaySeconds: [0] });
        const repeated = await client().createFlowRun({ id, flowName: "runs-flow" });
        expect(repeated.id).toBe(id);
        expect(await client().countFlowRuns({ ids: [id] })).toBe(1);
        expect((await client().readFlowRun(id)).name).toBe(run.name);
        expect((await client().readFlowRunStates(id)).map((state) => state.name)).toEqual(["Pending"]);
        expect((await client().readFlow("runs-flow")).name).toBe("runs-flow");
        const raced = crypto.randomUUID();
        const racers = await Promise.all(Array.from({ length: 6 }, () => client().createFlowRun({ id: raced, flowName: "runs-flow" })));
        expect(new Set(racers.map((racer) => racer.id))).toEqual(new Set([raced]));
        expect(await client().readFlowRunStates(raced)).toHaveLength(1);
        await expectWeirError(client().createFlowRun({ id: raced, flowName: "another-flow" }), "CONFLICT");
      });

      it("rejects bad input and unknown runs", async () => {
        await expectWeirError(client().createFlowRun({ flowName: "" }), "VALIDATION", "flowName");
        await expectWeirError(client().createFlowRun({ flowName: "f", state: makeState("Completed") }), "VALIDATION", "state");
        await expectWeirError(client().createFlowRun({ flowName: "f", parameters: [] as unknown as Record<string, unknown> }), "VALIDATION", "parameters");
        await expectWeirError(client().readFlowRun(crypto.randomUUID()), "NOT_FOUND");
        await expectWeirError(client().setFlowRunState(crypto.randomUUID(), { state: makeState("Running") }), "NOT_FOUND");
      });

      it("lists with filters and keyset pages sorted by expected start time then id", async () => {
        const flowName = `list-${crypto.randomUUID().slice(0, 8)}`;
        const created: Array<{ id: string; start: string; stateName: StateName; tags: string[] }> = [];
        for (let index = 0; index < 23; index++) {
          // Pairs share a start time so the id tie-break matters.
          const start = at(Math.floor(index / 2) * 60_000);
          const stateName: StateName = index % 3 === 0 ? "Scheduled" : "Pending";
          const tags = index % 2 === 0 ? ["even", "all"] : ["odd", "all"];
          const run = await client().createFlowRun({
            flowName,
            tags,
            state: stateName === "Scheduled" ? makeState("Scheduled", { now: clock.now(), scheduledTime: start }) : makeState("Pending", { now: new Date(start) }),
          });
          created.push({ id: run.id, start, stateName, tags });
        }
        const expected = [...created].sort((a, b) => (a.start === b.start ? (a.id < b.id ? 1 : -1) : a.start < b.start ? 1 : -1)).map((run) => run.id);
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await client().listFlowRuns({ flowNames: [flowName] }, { limit: 5, cursor });
          expect(page.items.length).toBeLessThanOrEqual(5);
          seen.push(...page.items.map((run) => run.id));
          cursor = page.nextCursor;
        } while (cursor !== null);
        expect(seen).toEqual(expected);

        const ascending = await client().listFlowRuns({ flowNames: [flowName], sort: "EXPECTED_START_TIME_ASC" }, { limit: 100 });
        expect(ascending.items.map((run) => run.id)).toEqual([...expected].reverse());

        const scheduledCount = created.filter((run) => run.stateName === "Scheduled").length;
        expect(await client().countFlowRuns({ flowNames: [flowName], stateTypes: ["SCHEDULED"] })).toBe(scheduledCount);
        expect(await client().countFlowRuns({ flowNames: [flowName], stateNames: ["Pending"] })).toBe(23 - scheduledCount);
        expect(await client().countFlowRuns({ flowNames: [flowName], tags: ["even", "all"] })).toBe(12);
        expect(await client().countFlowRuns({ flowNames: [flowName], tags: ["even", "odd"] })).toBe(0);
        const from = at(3 * 60_000);
        const to = at(6 * 60_000);
        const inRange = created.filter((run) => run.start >= from && run.start < to).length;
        expect(await client().countFlowRuns({ flowNames: [flowName], startAfter: from, startBefore: to })).toBe(inRange);
        const ranged = await client().listFlowRuns({ flowNames: [flowName], startAfter: from, startBefore: to });
        expect(ranged.items).toHaveLength(inRange);
        expect(await client().countFlowRuns({ flowNames: [flowName], stateTypes: [] })).toBe(0);

        await expectWeirError(client().listFlowRuns({}, { cursor: "not-a-cursor" }), "VALIDATION", "cursor");
        await expectWeirError(client().listFlowRuns({}, { limit: 0 }), "VALIDATION", "limit");
        await expectWeirError(client().listFlowRuns({ stateTypes: ["BOGUS" as never] }), "VALIDATION", "stateTypes");
        await expectWeirError(client().listFlowRuns({ startAfter: "yesterday-ish" }), "VALIDATION", "startAfter");
      });

      it("deletes a run with its task runs, states, logs, artifacts and subflow runs", async () => {
        const parent = await client().createFlowRun({ flowName: "deleting" });
        const child = await client().createFlowRun({ flowName: "deleting-child", parentFlowRunId: parent.id });
        const taskId = crypto.randomUUID();
        await client().writeTaskRuns([{ id: taskId, flowRunId: parent.id, name: "t", taskKey: "t", dynamicKey: "0", states: [makeState("Running")] }]);
        await client().appendLogs([{ flowRunId: parent.id, level: "INFO", name: "x", message: "bye", timestamp: clock.now().toISOString() }]);
        await client().createArtifact({ type: "markdown", data: "# hi", flowRunId: parent.id });
        await client().deleteFlowRun(parent.id);
        await expectWeirError(client().readFlowRun(parent.id), "NOT_FOUND");
        await expectWeirError(client().readFlowRun(child.id), "NOT_FOUND");
        await expectWeirError(client().readTaskRun(taskId), "NOT_FOUND");
        expect(await client().readLogs({ flowRunId: parent.id })).toEqual([]);
        expect((await client().listArtifacts({ flowRunId: parent.id })).items).toEqual([]);
        await expectWeirError(client().deleteFlowRun(parent.id), "NOT_FOUND");
      });
    });

    describe("flow-run states", () => {
      it("applies the rules: start, finish, then abort a late start; tracks run count and times", async () => {
        const run = await client().createFlowRun({ flowName: "states" });
        const running = await client().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
        expect(running.status).toBe("ACCEPT");
        expect((await client().readFlowRun(run.id)).runCount).toBe(1);
        const again = await client().setFlowRunState(run.id, { state: makeState("Running", { now: clock.now() }) });
        expect(again.status).toBe("REJECT");
        expect(again.state.id).toBe(running.state.id);
        const done = await client().setFlowRunState(run.id, { state: makeState("Completed", { now: new Date(clock.now().getTime() + 1500) }) });
        expect(done.status).toBe("ACCEPT");
        const stored = await client().readFlowRun(run.id);
        expect(stored).toMatchObject({ stateType: "COMPLETED", stateName: "Completed", totalRunTimeMs: 1500 });
        expect(stored.startTime).not.toBeNull();
        expect(stored.endTime).toBe(done.state.timestamp);
        const late = await client().setFlowRunState(run.id, { state: makeState("Running") });
        expect(late.status).toBe("ABORT");
        expect(late.state.name).toBe("Completed");
        expect((await client().readFlowRunStates(run.id)).map((state) => state.name)).toEqual(["Pending", "Running", "Completed"]);
        const forced = await client().setFlowRunState(run.id, { state: makeState("Failed"), force: true });
        expect(forced.status).toBe("ACCEPT");
      });

      it("returns the first decision for a repeated transition id and records nothing twice", async () => {
        const run = await client().createFlowRun({ flowName: "idempotent" });
        const transitionId = crypto.randomUUID();
        const state = makeState("Running");
        const first = await client().setFlowRunState(run.id, { state, transitionId });
        const second = await client().setFlowRunState(run.id, { state: makeState("Running"), transitionId });
        expect(second).toEqual(first);
        expect(first.status).toBe("ACCEPT");
        expect(await client().readFlowRunStates(run.id)).toHaveLength(2);
        const rejectedId = crypto.randomUUID();
        const rejected = await client().setFlowRunState(run.id, { state: makeState("Pending"), transitionId: rejectedId });
        expect(rejected.status).toBe("REJECT");
        expect(await client().setFlowRunState(run.id, { state: makeState("Pending"), transitionId: rejectedId })).toEqual(rejected);
      });

      it("turns a failure with retries left into AwaitingRetry at now + delay, then fails for good", async () => {
        const run = await client().createFlowRun({ flowName: "retrying", retryPolicy: { retries: 1, retryDelaySeconds: [30] } });
        await client().setFlowRunState(run.id, { state: makeState("Running") });
        const failed = makeState("Failed", { message: "boom", error: { name: "Error", message: "boom" } });
        const retry = await client().setFlowRunState(run.id, { state: failed });
        expect(retry.status).toBe("ACCEPT");
        expect(retry.state.name).toBe("AwaitingRetry");
        expect(retry.state.scheduledTime).toBe(at(30_000));
        expect((await client().readFlowRun(run.id)).nextScheduledStartTime).toBe(at(30_000));
        const early = await client().setFlowRunState(run.id, { state: makeState("Running") });
        expect(early.status).toBe("WAIT");
        expect(early.retryAfterSeconds).toBe(30);
        clock.advance(30_000);
        expect((await client().setFlowRunState(run.id, { state: makeState("Retrying") })).status).toBe("ACCEPT");
        expect((await client().readFlowRun(run.id)).runCount).toBe(2);
        const final = await client().setFlowRunState(run.id, { state: makeState("Failed", { message: "again" }) });
        expect(final.state.name).toBe("Failed");
        const names = (await client().readFlowRunStates(run.id)).map((state) => state.name);
        expect(names).toEqual(["Pending", "Running", "Failed", "AwaitingRetry", "Retrying", "Failed"]);
      });

      it("cancels (Running → Cancelling → only Cancelled), refuses to retry a run no worker could start, resumes a paused one", async () => {
        const cancelledFirst = await client().createFlowRun({ flowName: "moves" });
        expect((await client().cancelFlowRun(cancelledFirst.id)).stateName).toBe("Cancelled");
        await expectWeirError(client().retryFlowRun(cancelledFirst.id), "INVALID_TRANSITION", "no deployment");
        const run = await client().createFlowRun({ flowName: "moves" });
        await expectWeirError(client().retryFlowRun(run.id), "INVALID_TRANSITION");
        await client().setFlowRunState(run.id, { state: makeState("Running") });
        expect((await client().cancelFlowRun(run.id)).stateName).toBe("Cancelling");
        // Asked again while its process stops: no change, the answer is the current state.
        const cancelling = await client().readFlowRun(run.id);
        const again = await client().cancelFlowRun(run.id);
        expect(again).toMatchObject({ stateName: "Cancelling", state: { id: cancelling.state.id } });
        expect((await client().setFlowRunState(run.id, { state: makeState("Completed") })).status).toBe("REJECT");
        expect((await client().setFlowRunState(run.id, { state: makeState("Running") })).status).toBe("ABORT");
        expect((await client().setFlowRunState(run.id, { state: makeState("Cancelled") })).status).toBe("ACCEPT");
        await expectWeirError(client().cancelFlowRun(run.id), "INVALID_TRANSITION");

        const paused = await client().createFlowRun({ flowName: "moves", state: makeState("Running") });
        expect((await client().setFlowRunState(paused.id, { state: makeState("Paused") })).status).toBe("ACCEPT");
        expect((await client().setFlowRunState(paused.id, { state: makeState("Running") })).status).toBe("REJECT");
        const resumed = await client().resumeFlowRun(paused.id, { approved: true });
        expect(resumed.stateName).toBe("Running");
        expect(resumed.state.details).toEqual({ resumeInput: { approved: true } });
        expect(resumed.runCount).toBe(1);
        await expectWeirError(client().resumeFlowRun(paused.id), "INVALID_TRANSITION");
      });

      it("keeps a scheduled run's due time when it is marked Late", async () => {
        const due = at(-60_000);
        const run = await client().createFlowRun({ flowName: "late", state: makeState("Scheduled", { now: clock.now(), scheduledTime: due }) });
        expect(run).toMatchObject({ expectedStartTime: due, nextScheduledStartTime: due });
        expect((await client().setFlowRunState(run.id, { state: makeState("Late", { now: clock.now() }) })).status).toBe("ACCEPT");
        expect(await client().readFlowRun(run.id)).toMatchObject({ stateName: "Late", nextScheduledStartTime: due, expectedStartTime: due });
        expect((await client().setFlowRunState(run.id, { state: makeState("Pending") })).status).toBe("ACCEPT");
        expect((await client().readFlowRun(run.id)).nextScheduledStartTime).toBeNull();
      });

      it("records heartbeats", async () => {
        const run = await client().createFlowRun({ flowName: "beats", state: makeState("Running") });
        clock.advance(5_000);
        const beat = await client().heartbeatFlowRun(run.id, { infrastructurePid: "123@host", heartbeatIntervalSeconds: 10 });
        expect(beat).toMatchObject({ heartbeatAt: clock.now().toISOString(), infrastructurePid: "123@host", heartbeatIntervalSeconds: 10 });
        await expectWeirError(client().heartbeatFlowRun(crypto.randomUUID()), "NOT_FOUND");
      });
    });

    defineTaskRunContract(scope);
    defineRecordContract(scope);
    defineConcurrencyContract(scope);
    defineRuleGapContract(scope);
  });
}
