/** Contract part: task-run batches (idempotent, split, fields-only), many rows, cache lookups. */
import { describe, expect, it } from "vitest";
import { makeState, type StateName } from "../../src/core/states.js";
import { expectWeirError, type ContractScope } from "./contract-helpers.js";

/** Define the task-run part of the contract. */
export function defineTaskRunContract({ client, clock }: ContractScope): void {
  describe("task runs", () => {
    it("writes batches idempotently, keeps every state in order, and splits across batches", async () => {
      const run = await client().createFlowRun({ flowName: "tasks", state: makeState("Running") });
      const base = clock.now().getTime();
      const writes = Array.from({ length: 50 }, (_, index) => ({
        id: crypto.randomUUID(),
        flowRunId: run.id,
        name: `t-${index}`,
        taskKey: "t",
        dynamicKey: String(index),
        inputs: { index },
        states: [
          makeState("Pending", { now: new Date(base + index * 10) }),
          makeState("Running", { now: new Date(base + index * 10 + 1) }),
          makeState("Completed", { now: new Date(base + index * 10 + 5), result: { kind: "inline", value: index } }),
        ],
      }));
      await client().writeTaskRuns(writes);
      await client().writeTaskRuns(writes);
      const first = writes[7];
      if (!first) throw new Error("no write");
      const stored = await client().readTaskRun(first.id);
      expect(stored).toMatchObject({ stateName: "Completed", runCount: 1, totalRunTimeMs: 4, inputs: { index: 7 }, flowRunId: run.id });
      expect(stored.state.result).toEqual({ kind: "inline", value: 7 });
      expect((await client().readTaskRunStates(first.id)).map((state) => state.name)).toEqual(["Pending", "Running", "Completed"]);

      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await client().listTaskRuns({ flowRunId: run.id }, { limit: 20, cursor });
        seen.push(...page.items.map((taskRun) => taskRun.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(seen).toEqual(writes.map((write) => write.id));

      const split = { id: crypto.randomUUID(), flowRunId: run.id, name: "split", taskKey: "split", dynamicKey: "0" };
      await client().writeTaskRuns([{ ...split, states: [makeState("Pending"), makeState("Running")] }]);
      expect((await client().readTaskRun(split.id)).stateName).toBe("Running");
      await client().writeTaskRuns([{ ...split, states: [makeState("AwaitingRetry")] }, { ...split, states: [makeState("Retrying"), makeState("Completed")] }]);
      const after = await client().readTaskRun(split.id);
      expect(after).toMatchObject({ stateName: "Completed", runCount: 2 });
      expect((await client().readTaskRunStates(split.id)).map((state) => state.name)).toEqual(["Pending", "Running", "AwaitingRetry", "Retrying", "Completed"]);
      expect((await client().listTaskRuns({ flowRunId: run.id, stateTypes: ["COMPLETED"] }, { limit: 1000 })).items).toHaveLength(51);
      await expectWeirError(client().writeTaskRuns([{ ...split, id: crypto.randomUUID(), states: [{ ...makeState("Running"), name: "Sprinting" as StateName }] }]), "VALIDATION", "states");
    });

    it("updates fields without a new state, keeps fields a write leaves out, and ignores a stateless unknown task run", async () => {
      const id = crypto.randomUUID();
      const fields = { id, flowRunId: null, name: "fields", taskKey: "fields", dynamicKey: "0" };
      await client().writeTaskRuns([{ ...fields, tags: ["keep"], inputs: { x: 1 }, states: [makeState("Running")] }]);
      await client().writeTaskRuns([{ ...fields, cacheKey: "fields-key", states: [] }]);
      const updated = await client().readTaskRun(id);
      expect(updated).toMatchObject({ cacheKey: "fields-key", tags: ["keep"], inputs: { x: 1 }, stateName: "Running" });
      const unknown = crypto.randomUUID();
      await client().writeTaskRuns([{ ...fields, id: unknown, states: [] }]);
      await expectWeirError(client().readTaskRun(unknown), "NOT_FOUND");
    });

    it("writes 2,000 task runs with 3 states each in one call", async () => {
      const run = await client().createFlowRun({ flowName: "many-tasks", state: makeState("Running") });
      const writes = Array.from({ length: 2000 }, (_, index) => ({
        id: crypto.randomUUID(),
        flowRunId: run.id,
        name: "many",
        taskKey: "many",
        dynamicKey: String(index),
        states: [makeState("Pending"), makeState("Running"), makeState("Completed")],
      }));
      await client().writeTaskRuns(writes);
      const page = await client().listTaskRuns({ flowRunId: run.id }, { limit: 1000 });
      expect(page.items).toHaveLength(1000);
      expect(page.nextCursor).not.toBeNull();
    });

    it("finds the newest unexpired COMPLETED run by cache key", async () => {
      const key = `cache-${crypto.randomUUID()}`;
      const expiration = new Date(clock.now().getTime() + 60_000).toISOString();
      const failedId = crypto.randomUUID();
      await client().writeTaskRuns([{ id: failedId, flowRunId: null, name: "c", taskKey: "c", dynamicKey: "0", cacheKey: key, states: [makeState("Failed")] }]);
      expect(await client().findCachedTaskRun(key)).toBeNull();
      const hitId = crypto.randomUUID();
      // Made in the order they happen: a Completed stamped before its Running would not become current.
      const running = makeState("Running");
      const completed = makeState("Completed", { result: { kind: "inline", value: 42 } });
      await client().writeTaskRuns([{ id: hitId, flowRunId: null, name: "c", taskKey: "c", dynamicKey: "1", cacheKey: key, cacheExpiration: expiration, states: [running, completed] }]);
      const hit = await client().findCachedTaskRun(key);
      expect(hit).toMatchObject({ taskRunId: hitId, expiresAt: expiration });
      expect(hit?.state.result).toEqual({ kind: "inline", value: 42 });
      expect(await client().findCachedTaskRun(key, new Date(clock.now().getTime() + 61_000).toISOString())).toBeNull();
      expect(await client().findCachedTaskRun(`${key}-other`)).toBeNull();
    });
  });
}
