/**
 * Task-run storage on the engine WEIR_TEST_DB names: large and mixed batches (new runs inserted in
 * one statement, stored runs merged), what the SDK's write buffer leaves behind for sequential
 * and mapped tasks, and migration 003: a database made before it (task-run history as rows of
 * task_run_states) migrates forward with every history kept in order, and runs keep growing their
 * history afterwards, idempotently.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { TaskRunWrite } from "../../src/core/api-types.js";
import type { TaskRun } from "../../src/core/models.js";
import { makeState, type State } from "../../src/core/states.js";
import { MIGRATIONS } from "../../src/db/migrations/migration-list.js";
import { openDatabase } from "../../src/db/open-database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { flow, setClient, task } from "../../src/index.js";
import { releaseClient } from "../../src/sdk/client-provider.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { expectWeirError } from "./contract-helpers.js";

/** Every task run of a flow run, following the pages. */
async function allTaskRuns(client: InProcessClient, flowRunId: string): Promise<TaskRun[]> {
  const runs: TaskRun[] = [];
  let cursor: string | null = null;
  do {
    const page = await client.listTaskRuns({ flowRunId }, { limit: 1000, cursor });
    runs.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor !== null);
  return runs;
}

/** Make `client` the SDK's client with printed run logs silenced; the returned function flushes it and restores both. */
function installSdkClient(client: OrchestrationApi): () => Promise<void> {
  setClient(client);
  const quiet = process.env.WEIR_LOGGING_QUIET;
  process.env.WEIR_LOGGING_QUIET = "1";
  return async () => {
    await releaseClient(client);
    setClient(null);
    if (quiet === undefined) delete process.env.WEIR_LOGGING_QUIET;
    else process.env.WEIR_LOGGING_QUIET = quiet;
  };
}

describe("task-run storage", () => {
  // One fresh database per test: the migration test needs one that has never been migrated.
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase();
  });
  afterEach(async () => {
    await test?.dispose();
  });

  it("writes a batch larger than one statement, then its final states, and reads every run back", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    try {
      const run = await client.createFlowRun({ flowName: "big-batch", state: makeState("Running") });
      // More rows than one PostgreSQL statement takes (5,000): the writer splits the batch.
      const writes = Array.from({ length: 6001 }, (_, index) => ({
        id: crypto.randomUUID(), flowRunId: run.id, name: `big-${index}`, taskKey: "big", dynamicKey: String(index), states: [makeState("Running")],
      }));
      await client.writeTaskRuns(writes);
      await client.writeTaskRuns(writes.map((write) => ({ ...write, states: [makeState("Completed")] })));
      let completed = 0;
      let cursor: string | null = null;
      do {
        const page = await client.listTaskRuns({ flowRunId: run.id, stateTypes: ["COMPLETED"] }, { limit: 1000, cursor });
        completed += page.items.length;
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(completed).toBe(writes.length);
      for (const write of [writes[0]!, writes[5000]!, writes.at(-1)!]) {
        expect((await client.readTaskRunStates(write.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
        expect(await client.readTaskRun(write.id)).toMatchObject({ name: write.name, runCount: 1, stateName: "Completed" });
      }
    } finally {
      await client.close();
    }
  });

  it("stores a batch of new runs, later states of stored runs and fields-only writes, each run once", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    try {
      const run = await client.createFlowRun({ flowName: "mixed-batch", state: makeState("Running") });
      const fieldsOf = (name: string) => ({ id: crypto.randomUUID(), flowRunId: run.id, name, taskKey: name, dynamicKey: "0" });
      const stored = fieldsOf("stored");
      const started = makeState("Running");
      await client.writeTaskRuns([{ ...stored, tags: ["kept"], inputs: { x: 1 }, states: [started] }]);
      const fresh = fieldsOf("fresh");
      const unknown = fieldsOf("unknown");
      const ended = makeState("Completed");
      const batch: TaskRunWrite[] = [
        { ...fresh, states: [makeState("Running"), makeState("Completed")] },
        { ...stored, states: [ended] },
        { ...stored, cacheKey: "stored-key", states: [] },
        { ...unknown, states: [] },
      ];
      await client.writeTaskRuns(batch);
      // The same batch again (a retried request): every run is stored already, nothing changes.
      await client.writeTaskRuns(batch);
      expect(await client.readTaskRun(stored.id)).toMatchObject({ stateName: "Completed", runCount: 1, tags: ["kept"], inputs: { x: 1 }, cacheKey: "stored-key" });
      expect((await client.readTaskRunStates(stored.id)).map((state) => state.id)).toEqual([started.id, ended.id]);
      expect((await client.readTaskRunStates(fresh.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
      await expectWeirError(client.readTaskRun(unknown.id), "NOT_FOUND");
      expect((await allTaskRuns(client, run.id)).map((taskRun) => taskRun.name).sort()).toEqual(["fresh", "stored"]);
    } finally {
      await client.close();
    }
  });

  it("stores nothing of a batch with a bad write", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    try {
      const good = { id: crypto.randomUUID(), flowRunId: null, name: "good", taskKey: "good", dynamicKey: "0", states: [makeState("Running")] };
      const bad = { ...good, id: crypto.randomUUID(), name: "  ", states: [makeState("Running")] };
      await expectWeirError(client.writeTaskRuns([good, bad]), "VALIDATION", "writes.1.name");
      await expectWeirError(client.readTaskRun(good.id), "NOT_FOUND");
      // A write without states is checked up front too, though its run is only read later.
      const fieldsOnly = { ...good, id: crypto.randomUUID(), cacheExpiration: "not a time", states: [] };
      await expectWeirError(client.writeTaskRuns([good, fieldsOnly]), "VALIDATION", "writes.1.cacheExpiration");
      await expectWeirError(client.readTaskRun(good.id), "NOT_FOUND");
    } finally {
      await client.close();
    }
  });

  it("keeps every task run the SDK records, sequential and mapped, each with its whole history", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    const restoreSdk = installSdkClient(client);
    try {
      const step = task("step", async (value: number) => value + 1);
      let hasLoopTurned = false;
      const sequentialCount = 700;
      const mapCount = 1500;
      const made = flow("many-steps", async () => {
        let total = 0;
        for (let index = 0; index < sequentialCount; index += 1) total = await step(total);
        setImmediate(() => (hasLoopTurned = true));
        // More runs than start in one turn of the event loop: the last ones start on later turns.
        const futures = step.map(Array.from({ length: mapCount }, (_, index) => index));
        const lastStartedAfterTurn = step.submit(0).wait().then(() => hasLoopTurned);
        const values = await futures.result();
        return { total, values, ids: futures.map((future) => future.id), lastStartedAfterTurn: await lastStartedAfterTurn };
      });
      const { total, values, ids, lastStartedAfterTurn } = await made({});
      expect(total).toBe(sequentialCount);
      expect(values).toEqual(Array.from({ length: mapCount }, (_, index) => index + 1));
      expect(lastStartedAfterTurn).toBe(true);
      const [flowRun] = (await client.listFlowRuns({ flowNames: ["many-steps"] })).items;
      const runs = await allTaskRuns(client, flowRun!.id);
      expect(runs).toHaveLength(sequentialCount + mapCount + 1);
      expect(runs.every((taskRun) => taskRun.stateName === "Completed" && taskRun.runCount === 1)).toBe(true);
      expect(new Set(runs.map((taskRun) => taskRun.dynamicKey)).size).toBe(runs.length);
      // Runs start in the order they were submitted, so the dynamic keys follow the map's items.
      for (const index of [0, 255, 256, 1499]) {
        expect(await client.readTaskRun(ids[index]!)).toMatchObject({ dynamicKey: String(sequentialCount + index), name: `step-${sequentialCount + index}` });
      }
      for (const taskRun of [runs[0]!, runs[sequentialCount + 300]!, runs.at(-1)!]) {
        expect((await client.readTaskRunStates(taskRun.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
      }
    } finally {
      await restoreSdk();
      await client.close();
    }
  });

  it("loses no task run when a batch fails every attempt: it is written again, in order, by a later flush", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    let isDown = true;
    let failures = 0;
    // The real client, whose task-run writes fail while the connection is "down".
    const flaky = new Proxy(client, {
      get(target, key) {
        if (key === "writeTaskRuns") {
          return async (writes: TaskRunWrite[]) => {
            if (isDown) {
              failures += 1;
              throw new Error("connection lost");
            }
            return target.writeTaskRuns(writes);
          };
        }
        const value: unknown = Reflect.get(target, key);
        return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    const restoreSdk = installSdkClient(flaky);
    try {
      const step = task("flaky-step", async (value: number) => value + 1);
      const count = 1200;
      const made = flow("flaky-writes", async () => {
        let total = 0;
        for (let index = 0; index < count; index += 1) total = await step(total);
        // Down longer than a flush's five attempts (0.5 s of back-off): its runs go back to the buffer.
        await new Promise((resolve) => setTimeout(resolve, 800));
        isDown = false;
        return total;
      });
      expect(await made({})).toBe(count);
      expect(failures).toBeGreaterThanOrEqual(5);
      const [flowRun] = (await client.listFlowRuns({ flowNames: ["flaky-writes"] })).items;
      expect(flowRun?.stateName).toBe("Completed");
      const runs = await allTaskRuns(client, flowRun!.id);
      expect(runs).toHaveLength(count);
      expect(runs.every((taskRun) => taskRun.stateName === "Completed" && taskRun.runCount === 1)).toBe(true);
      for (const taskRun of [runs[0]!, runs[600]!, runs.at(-1)!]) {
        expect((await client.readTaskRunStates(taskRun.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
      }
    } finally {
      await restoreSdk();
      await client.close();
    }
  });

  it("stores a long task's Running state while it runs (within 1 s)", async () => {
    const client = await InProcessClient.open({ databaseUrl: test.url });
    setClient(client);
    try {
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      const slow = task("slow", async () => released);
      let seenRunningAfterMs: number | null = null;
      const watched = flow("watched", async () => {
        const future = slow.submit();
        const started = Date.now();
        while (Date.now() - started < 5000) {
          const stored = await client.readTaskRun(future.id).catch(() => null);
          if (stored?.stateName === "Running") {
            seenRunningAfterMs = Date.now() - started;
            break;
          }
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        release();
        await future.wait();
      });
      await watched({});
      expect(seenRunningAfterMs).not.toBeNull();
      expect(seenRunningAfterMs!).toBeLessThan(1000);
      // Written twice (while running, then ended): one history, in order, one run.
      const [flowRun] = (await client.listFlowRuns({ flowNames: ["watched"] })).items;
      const [slowRun] = await allTaskRuns(client, flowRun!.id);
      expect(slowRun).toMatchObject({ stateName: "Completed", runCount: 1 });
      expect((await client.readTaskRunStates(slowRun!.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
    } finally {
      await releaseClient(client);
      setClient(null);
      await client.close();
    }
  });

  it("moves existing history into the run rows, in order, and appends to it afterwards", async () => {
    const before = MIGRATIONS.filter((migration) => migration.name < "003");
    const old = await openDatabase(test.url, { migrate: false });
    const histories = new Map<string, State[]>();
    try {
      expect(await runMigrations(old, before)).toEqual(before.map((migration) => migration.name));
      const now = new Date().toISOString();
      for (const [index, names] of [["Pending", "Running", "Completed"], ["Running"], ["Running", "Failed", "Retrying", "Completed"]].entries()) {
        const id = crypto.randomUUID();
        // Timestamps out of order on purpose: history is arrival (seq) order, not time order.
        const states = names.map((name, position) => makeState(name as State["name"], { now: new Date(Date.UTC(2026, 0, 1, 0, 0, 10 - position)) }));
        const last = states.at(-1)!;
        histories.set(id, states);
        await old.db
          .insertInto("task_runs")
          // Rows as the schema stood before 003 (no state_history column yet).
          .values({
            id, flow_run_id: null, name: `old-${index}`, task_key: "old", dynamic_key: String(index), tags: "[]", inputs: null, cache_key: null,
            cache_expiration: null, state: JSON.stringify(last), state_id: last.id, state_type: last.type, state_name: last.name,
            state_timestamp: last.timestamp, run_count: 1, retry_policy: '{"retries":0,"retryDelaySeconds":[0]}', expected_start_time: now,
            start_time: null, end_time: null, total_run_time_ms: 0, subflow_run_id: null, created_at: now, updated_at: now,
          } as never)
          .execute();
        for (const state of states) {
          await old.db
            .insertInto("task_run_states")
            .values({ id: state.id, task_run_id: id, type: state.type, name: state.name, timestamp: state.timestamp, state: JSON.stringify(state) })
            .execute();
        }
      }
    } finally {
      await old.close();
    }

    const client = await InProcessClient.open({ databaseUrl: test.url });
    try {
      for (const [id, states] of histories) {
        expect((await client.readTaskRunStates(id)).map((state) => [state.id, state.name])).toEqual(states.map((state) => [state.id, state.name]));
      }
      const [id, states] = [...histories][1]!;
      const completed = makeState("Completed");
      const write = { id, flowRunId: null, name: "old-1", taskKey: "old", dynamicKey: "1", states: [completed] };
      await client.writeTaskRuns([write]);
      await client.writeTaskRuns([write]);
      expect((await client.readTaskRunStates(id)).map((state) => state.id)).toEqual([...states.map((state) => state.id), completed.id]);
      expect(await client.readTaskRun(id)).toMatchObject({ stateName: "Completed", runCount: 1 });
    } finally {
      await client.close();
    }
    const reopened = await openDatabase(test.url);
    try {
      const left = await reopened.db.selectFrom("task_run_states").select("id").execute();
      expect(left).toEqual([]);
    } finally {
      await reopened.close();
    }
  });
});
