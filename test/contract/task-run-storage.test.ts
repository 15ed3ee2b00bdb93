/**
 * Migration 003 on the engine WEIR_TEST_DB names: a database made before it (task-run history as
 * rows of task_run_states) migrates forward with every history kept in order, and runs keep
 * growing their history afterwards, idempotently.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { makeState, type State } from "../../src/core/states.js";
import { MIGRATIONS } from "../../src/db/migrations/migration-list.js";
import { openDatabase } from "../../src/db/open-database.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

describe("task-run storage (migration 003)", () => {
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
