/**
 * Retention of the `server` result store, on the database WEIR_TEST_DB names, with the injected
 * clock: a result goes with the last run that refers to it (a cache hit keeps the result of a
 * deleted run alive until the hit's own run goes), old results no run refers to go too, recent
 * ones stay; and the queries behind it are index lookups (migration 008), not table scans.
 */
import { CompiledQuery, sql, type Kysely } from "kysely";
import { describe, expect, it } from "vitest";
import type { ResultRef } from "../../src/core/states.js";
import { makeState } from "../../src/core/states.js";
import type { DatabaseSchema } from "../../src/db/schema.js";
import { deleteExpiredRunData } from "../../src/orchestration/maintenance/delete-expired-run-data.js";
import { deleteOrphanedResults } from "../../src/orchestration/maintenance/delete-orphaned-results.js";
import { createRetentionService } from "../../src/services/retention-service.js";
import { useServiceTestBed } from "./service-test-kit.js";

const DAY_MS = 86_400_000;
const RETENTION_SECONDS = 7 * 86_400;

describe("retention of server-stored results", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T00:00:00Z", { perTest: true });
  const stored = (key: string): ResultRef => ({ kind: "stored", storageKey: key, serializer: "json", store: "server" });
  const storedKeys = async () => (await api().listResults({ limit: 1000 })).items.map((item) => item.key).sort();

  /** A finished flow run, now, with a flow result and task runs (each with a result, and a cache key when given). */
  async function finishedFlowRun(flowResult: string | null, tasks: Array<{ result: string; cacheKey?: string; isCacheHit?: boolean }>): Promise<string> {
    const now = () => ({ now: bed().clock.now() });
    const run = await api().createFlowRun({ flowName: "results" });
    await api().setFlowRunState(run.id, { state: makeState("Running", now()) });
    await api().writeTaskRuns(
      tasks.map((each, index) => ({
        id: crypto.randomUUID(),
        flowRunId: run.id,
        name: `t-${index}`,
        taskKey: "t",
        dynamicKey: String(index),
        ...(each.cacheKey === undefined ? {} : { cacheKey: each.cacheKey }),
        states: [makeState("Running", now()), makeState(each.isCacheHit ? "Cached" : "Completed", { ...now(), result: stored(each.result) })],
      })),
    );
    const completed = await api().setFlowRunState(run.id, { state: makeState("Completed", { ...now(), ...(flowResult === null ? {} : { result: stored(flowResult) }) }) });
    expect(completed.status).toBe("ACCEPT");
    return run.id;
  }

  async function putResults(...keys: string[]): Promise<void> {
    for (const key of keys) await api().putResult(key, new TextEncoder().encode(JSON.stringify(key)));
  }

  it("deletes the results of the runs it deletes, keeps a result a later cache hit still refers to until that run goes", async () => {
    await putResults("flow-a.json", "task-a.json", "cached.json", "standalone.json");
    const runA = await finishedFlowRun("flow-a.json", [{ result: "task-a.json" }, { result: "cached.json", cacheKey: "k1" }]);
    const standalone = crypto.randomUUID();
    await api().writeTaskRuns([{ id: standalone, flowRunId: null, name: "alone", taskKey: "alone", dynamicKey: "0", states: [makeState("Completed", { now: bed().clock.now(), result: stored("standalone.json") })] }]);

    bed().clock.advance(5 * DAY_MS);
    await putResults("flow-b.json");
    // A later run took task A's cached result: its Cached state refers to the same key.
    const runB = await finishedFlowRun("flow-b.json", [{ result: "cached.json", cacheKey: "k1", isCacheHit: true }]);

    bed().clock.advance(3 * DAY_MS); // run A and the standalone task are 8 days old, run B 3 days
    const first = await deleteExpiredRunData(ctx(), { olderThanSeconds: RETENTION_SECONDS });
    expect(first).toMatchObject({ flowRuns: 1, taskRuns: 1, results: 3, hasMore: false });
    await expect(api().readFlowRun(runA)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await storedKeys()).toEqual(["cached.json", "flow-b.json"]);
    expect(await api().readResult("cached.json")).not.toBeNull();

    bed().clock.advance(5 * DAY_MS); // run B is 8 days old: the last reference to cached.json goes
    expect(await deleteExpiredRunData(ctx(), { olderThanSeconds: RETENTION_SECONDS })).toMatchObject({ flowRuns: 1, results: 2 });
    await expect(api().readFlowRun(runB)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(await storedKeys()).toEqual([]);
  });

  it("deleting a run by hand releases its results the same way", async () => {
    await putResults("by-hand.json", "shared.json");
    const run = await finishedFlowRun(null, [{ result: "by-hand.json" }, { result: "shared.json", cacheKey: "k2" }]);
    await finishedFlowRun(null, [{ result: "shared.json", cacheKey: "k2", isCacheHit: true }]);
    await api().deleteFlowRun(run);
    expect(await storedKeys()).toEqual(["shared.json"]);
  });

  it("deletes old results no run refers to, keeps recent ones and old ones a run refers to, a page at a time from a cursor", async () => {
    await putResults("orphan-1.json", "orphan-2.json", "orphan-3.json", "referenced-old.json");
    await finishedFlowRun(null, []);
    // A run that is still running refers to an old result (a long run): it must stay.
    const running = await api().createFlowRun({ flowName: "long" });
    await api().setFlowRunState(running.id, { state: makeState("Running", { now: bed().clock.now() }) });
    await api().writeTaskRuns([{ id: crypto.randomUUID(), flowRunId: running.id, name: "t", taskKey: "t", dynamicKey: "0", states: [makeState("Completed", { now: bed().clock.now(), result: stored("referenced-old.json") })] }]);
    bed().clock.advance(8 * DAY_MS);
    await putResults("orphan-recent.json");

    // Pages of two: the first call stops after one page and says where to go on.
    const first = await deleteOrphanedResults(ctx(), { olderThanSeconds: RETENTION_SECONDS, batchSize: 2, maxBatches: 1 });
    expect(first.next).not.toBeNull();
    const second = await deleteOrphanedResults(ctx(), { olderThanSeconds: RETENTION_SECONDS, batchSize: 2, maxBatches: 5, after: first.next });
    expect(second.next).toBeNull();
    expect(first.results + second.results).toBe(3);
    expect(await storedKeys()).toEqual(["orphan-recent.json", "referenced-old.json"]);
  });

  it("the retention service does both in one tick", async () => {
    await putResults("old-run.json", "orphan.json");
    await finishedFlowRun(null, [{ result: "old-run.json" }]);
    bed().clock.advance(8 * DAY_MS);
    await putResults("new.json");
    const service = createRetentionService(ctx(), { intervalMs: 1000, retentionSeconds: RETENTION_SECONDS });
    await service.tick({ now: bed().clock.now(), signal: new AbortController().signal });
    expect(await storedKeys()).toEqual(["new.json"]);
  });

  it("answers `weir storage prune`'s question (which keys a run refers to) exactly, wildcards in keys included", async () => {
    await finishedFlowRun("flow_1.json", [{ result: "task.json" }]);
    expect(await api().referencedResultKeys(["flowX1.json", "flow_1.json", "task.json", "nothing.json"])).toEqual(["flow_1.json", "task.json"]);
  });

  it("finds expired runs, results and references through indexes", async () => {
    const { database } = ctx();
    const key = database.sql.storedResultKey("state");
    const cutoff = bed().clock.now().toISOString();
    const queries: Array<[string, (db: Kysely<DatabaseSchema>) => { compile(): { sql: string; parameters: readonly unknown[] } }]> = [
      ["flow_runs_end_time_idx", (db) => db.selectFrom("flow_runs").select("id").where("end_time", "<", cutoff).where((eb) => eb(eb.fn.coalesce("state_type", sql.lit("")), "in", ["COMPLETED", "FAILED"])).orderBy("end_time").limit(500)],
      ["task_runs_standalone_end_idx", (db) => db.selectFrom("task_runs").select("id").where("flow_run_id", "is", null).where("end_time", "<", cutoff).where((eb) => eb(eb.fn.coalesce("state_type", sql.lit("")), "in", ["COMPLETED"])).orderBy("end_time").limit(500)],
      ["results_created_idx", (db) => db.selectFrom("results").select(["key", "created_at"]).where("created_at", "<", cutoff).orderBy("created_at").orderBy("key").limit(500)],
      ["task_runs_result_key_idx", (db) => db.selectFrom("task_runs").select(key.as("key")).where(key, "in", ["a.json", "b.json"])],
      ["flow_runs_result_key_idx", (db) => db.selectFrom("flow_runs").select(key.as("key")).where(key, "in", ["a.json", "b.json"])],
    ];
    for (const [index, query] of queries) {
      const plan = await database.writeTransaction(async (trx) => {
        // The tables are tiny here: make PostgreSQL show whether it could use an index at all.
        if (database.dialect === "postgres") await sql`set local enable_seqscan = off`.execute(trx);
        const compiled = query(trx).compile();
        const explain = database.dialect === "postgres" ? "explain" : "explain query plan";
        const rows = await trx.executeQuery(CompiledQuery.raw(`${explain} ${compiled.sql}`, [...compiled.parameters]));
        return JSON.stringify(rows.rows);
      });
      expect(plan, index).toContain(index);
    }
  });
});
