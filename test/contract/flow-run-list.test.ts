/**
 * The runs list query (flow-run-list-query.ts): a list filter of several values is read as one
 * ordered branch per value merged by UNION ALL. Whatever the shape, every sort, filter and page
 * size must give exactly the runs a plain filter-and-sort over all runs gives, in the same order,
 * page after page through the cursor, with ties on the sort key broken by id. Runs on SQLite and
 * PostgreSQL (WEIR_TEST_DB).
 *
 * Tags (flow-run-tag-plan.ts): on SQLite a tag filter is read either from the tag's rows of
 * `flow_run_tags` or as a lookup per run; both are forced here through the plan's threshold, for
 * the list and its count, and the table is checked against the runs' JSON tags after creates, tag
 * and start-time updates, deletes, a fresh migration and a migration over runs already tagged.
 */
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { systemClock } from "../../src/core/clock.js";
import type { FlowRunFilter } from "../../src/core/api-types.js";
import type { FlowRun } from "../../src/core/models.js";
import { makeState, type StateName } from "../../src/core/states.js";
import { MIGRATIONS } from "../../src/db/migrations/migration-list.js";
import { runMigrations } from "../../src/db/run-migrations.js";
import { openDatabase, type WeirDatabase } from "../../src/db/weir-database.js";
import { createOrchestration, openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { createEventBus } from "../../src/orchestration/event-bus.js";
import { countFlowRunsMatching } from "../../src/orchestration/flow-run-count-query.js";
import { MAX_SPLIT_VALUES, listFlowRunPage, splitListOf } from "../../src/orchestration/flow-run-list-query.js";
import { planFlowRunTags, type FlowRunTagPlanOptions } from "../../src/orchestration/flow-run-tag-plan.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

/** Every way a tag filter is read: the default plan, always looked up per run (where a walk is not free), always tag-driven. */
const TAG_PLANS: readonly FlowRunTagPlanOptions[] = [{}, { drivenMaxRuns: 0 }, { drivenMaxRuns: Number.MAX_SAFE_INTEGER }];

/** The rows `flow_run_tags` holds (SQLite), as "tag|start|id", sorted. */
async function indexedTags(database: WeirDatabase): Promise<string[]> {
  const rows = await database.db.selectFrom("flow_run_tags").select(["tag", "expected_start_time", "flow_run_id"]).execute();
  return rows.map((row) => `${row.tag}|${row.expected_start_time}|${row.flow_run_id}`).sort();
}

/** The rows `flow_run_tags` should hold: one per distinct tag of each run, read from the runs' JSON. */
async function tagsOfRuns(database: WeirDatabase): Promise<string[]> {
  const runs = await database.db.selectFrom("flow_runs").select(["id", "tags", "expected_start_time"]).execute();
  return runs.flatMap((run) => [...new Set(JSON.parse(run.tags) as string[])].map((tag) => `${tag}|${run.expected_start_time}|${run.id}`)).sort();
}

/** Set a run's tags straight in its row (no API changes tags), as another tool or a later feature would. */
async function setTags(database: WeirDatabase, id: string, tags: string[]): Promise<void> {
  await database.db.updateTable("flow_runs").set({ tags: database.sql.jsonValue(JSON.stringify(tags)) }).where("id", "=", id).execute();
}

const FLOWS = ["list-a", "list-b", "list-c"];
const FIRST_MS = Date.UTC(2026, 0, 1);

describe("flow-run list query", () => {
  let database: TestDatabase;
  let opened: OpenedOrchestration;
  const runs: FlowRun[] = [];
  beforeAll(async () => {
    database = await createTestDatabase();
    opened = await openOrchestration({ databaseUrl: database.url });
    const api = opened.orchestration;
    const names: StateName[] = ["Scheduled", "Pending", "Running"];
    for (let index = 0; index < 60; index++) {
      // Triples share a start time (the id decides their order); flows and states interleave unevenly.
      const start = new Date(FIRST_MS + Math.floor(index / 3) * 60_000).toISOString();
      const name = names[(index * 7) % 5 % 3] ?? "Pending";
      const state = name === "Scheduled" ? makeState("Scheduled", { scheduledTime: start }) : makeState(name, { timestamp: start });
      // "five" on every 5th run, "three" (given twice) on every 3rd, "odd" on odd runs.
      const tags = [...(index % 5 === 0 ? ["five"] : []), ...(index % 3 === 0 ? ["three", "three"] : []), ...(index % 2 === 1 ? ["odd"] : [])];
      runs.push(await api.createFlowRun({ flowName: FLOWS[index % 4 === 3 ? 2 : index % 2] ?? "list-a", tags, state }));
    }
    // Failed and Crashed runs too, as the dashboard's "failures" filter asks for them.
    for (const [index, name] of (["Failed", "Crashed", "Failed", "Crashed", "Failed"] as const).entries()) {
      const run = runs[index * 11] as FlowRun;
      const state = makeState(name);
      await api.setFlowRunState(run.id, { state, force: true });
      runs[index * 11] = await api.readFlowRun(run.id);
    }
  });
  afterAll(async () => {
    await opened?.close();
    await database?.dispose();
  });

  /** The runs a filter selects, sorted as the API sorts them (key, then id). */
  function expected(filter: FlowRunFilter): string[] {
    const sort = filter.sort ?? "EXPECTED_START_TIME_DESC";
    const keyOf = (run: FlowRun): string => (sort === "CREATED_DESC" ? run.createdAt : run.expectedStartTime);
    const selected = runs.filter(
      (run) =>
        (filter.flowNames ?? [run.flowName]).includes(run.flowName) &&
        (filter.stateTypes ?? [run.stateType]).includes(run.stateType) &&
        (filter.stateNames ?? [run.stateName]).includes(run.stateName) &&
        (filter.tags ?? []).every((tag) => run.tags.includes(tag)) &&
        (filter.startAfter === undefined || run.expectedStartTime >= filter.startAfter) &&
        (filter.startBefore === undefined || run.expectedStartTime < filter.startBefore),
    );
    const ascending = [...selected].sort((a, b) => (keyOf(a) === keyOf(b) ? (a.id < b.id ? -1 : 1) : keyOf(a) < keyOf(b) ? -1 : 1));
    return (sort === "EXPECTED_START_TIME_ASC" ? ascending : ascending.reverse()).map((run) => run.id);
  }

  async function listAll(filter: FlowRunFilter, limit: number): Promise<string[]> {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await opened.orchestration.listFlowRuns(filter, { limit, cursor });
      expect(page.items.length).toBeLessThanOrEqual(limit);
      ids.push(...page.items.map((run) => run.id));
      cursor = page.nextCursor;
    } while (cursor !== null && ids.length <= runs.length);
    return ids;
  }

  const window = { startAfter: new Date(FIRST_MS + 3 * 60_000).toISOString(), startBefore: new Date(FIRST_MS + 15 * 60_000).toISOString() };
  const filters: FlowRunFilter[] = [
    {},
    { stateTypes: ["FAILED", "CRASHED"] },
    { stateTypes: ["SCHEDULED", "PENDING", "FAILED"], ...window },
    { stateTypes: ["PENDING", "PENDING", "RUNNING"] },
    { stateNames: ["Scheduled", "Crashed"] },
    { flowNames: ["list-a", "list-c"] },
    { flowNames: ["list-a", "list-b"], stateTypes: ["RUNNING", "SCHEDULED"] },
    { flowNames: ["list-b"], stateTypes: ["RUNNING", "SCHEDULED", "FAILED"] },
    { flowNames: ["list-a", "list-b", "list-c"], tags: ["five"] },
    { stateTypes: ["COMPLETED", "CANCELLED"] },
  ];
  const tagFilters: FlowRunFilter[] = [
    { tags: ["five"] },
    { tags: ["odd"], ...window },
    { tags: ["five", "three"] },
    { tags: ["three", "odd", "three"] },
    { tags: ["absent"] },
    { tags: ["odd", "absent"] },
    { tags: [] },
    { tags: ["three"], stateTypes: ["FAILED", "CRASHED"] },
    { tags: ["odd"], flowNames: ["list-b"], stateTypes: ["RUNNING", "SCHEDULED"] },
    { tags: ["five", "odd"], stateNames: ["Scheduled", "Pending"], ...window },
  ];

  for (const sort of ["EXPECTED_START_TIME_DESC", "EXPECTED_START_TIME_ASC", "CREATED_DESC"] as const) {
    it(`pages through every filter in ${sort} order, as a plain sort of all runs would`, async () => {
      for (const base of filters) {
        const filter: FlowRunFilter = { ...base, sort };
        const want = expected(filter);
        for (const limit of [1, 4, 100]) {
          expect(await listAll(filter, limit), `${JSON.stringify(filter)}, limit ${limit}`).toEqual(want);
        }
      }
    });
  }

  for (const sort of ["EXPECTED_START_TIME_DESC", "EXPECTED_START_TIME_ASC", "CREATED_DESC"] as const) {
    it(`pages through every tag filter in ${sort} order, however the tags are read`, async () => {
      const { database } = opened.context;
      for (const base of tagFilters) {
        const filter: FlowRunFilter = { ...base, sort };
        const want = expected(filter);
        for (const options of TAG_PLANS) {
          for (const limit of [1, 7, 100]) {
            const ids: string[] = [];
            let cursor: string | null = null;
            do {
              const page = await listFlowRunPage(database, filter, { limit, cursor }, options);
              expect(page.items.length).toBeLessThanOrEqual(limit);
              ids.push(...page.items.map((run) => run.id));
              cursor = page.nextCursor;
            } while (cursor !== null && ids.length <= runs.length);
            expect(ids, `${JSON.stringify(filter)}, ${JSON.stringify(options)}, limit ${limit}`).toEqual(want);
          }
        }
        expect(await listAll(filter, 100), JSON.stringify(filter)).toEqual(want);
      }
    });
  }

  it("counts the runs of every filter, tags read either way", async () => {
    const { database } = opened.context;
    for (const filter of [...filters, ...tagFilters, undefined]) {
      const want = expected(filter ?? {}).length;
      expect(await opened.orchestration.countFlowRuns(filter), JSON.stringify(filter)).toBe(want);
      for (const options of TAG_PLANS) {
        expect(await countFlowRunsMatching(database, filter, options), `${JSON.stringify(filter)}, ${JSON.stringify(options)}`).toBe(want);
      }
    }
    expect(expected({ tags: ["five", "three"] })).toHaveLength(4);
    expect(expected({ tags: ["absent"] })).toHaveLength(0);
  });

  it("drives a tag filter by its rarest tag when it has few runs or nothing else narrows the runs", async () => {
    const { database } = opened.context;
    const plan = (filter: FlowRunFilter, sort: string | null, drivenMaxRuns: number) => planFlowRunTags(database, filter, sort, { drivenMaxRuns });
    if (database.capabilities.supportsJsonContainmentIndex) {
      expect(await plan({ tags: ["five"] }, null, 100)).toEqual({ kind: "filtered" });
      return;
    }
    // "five" has 12 runs, "three" 20, "odd" 30.
    expect(await plan({ tags: ["odd", "five", "three"], stateTypes: ["RUNNING"] }, null, 13)).toEqual({ kind: "tag-driven", tag: "five", otherTags: ["odd", "three"], needsRuns: true });
    expect(await plan({ tags: ["odd", "three"], stateTypes: ["RUNNING"] }, null, 13)).toEqual({ kind: "filtered" });
    expect(await plan({ tags: ["odd", "three"], ...window }, "EXPECTED_START_TIME_ASC", 100)).toEqual({ kind: "tag-driven", tag: "three", otherTags: ["odd"], needsRuns: false });
    expect(await plan({ tags: ["odd"] }, "CREATED_DESC", 13)).toEqual({ kind: "filtered" });
    // Tag-driven anyway: the probe's bound grows until it tells the rarer of two common tags.
    expect(await plan({ tags: ["odd", "five"] }, null, 2)).toEqual({ kind: "tag-driven", tag: "five", otherTags: ["odd"], needsRuns: false });
    expect(await plan({ tags: ["odd"] }, null, 13)).toEqual({ kind: "tag-driven", tag: "odd", otherTags: [], needsRuns: false });
    expect(await plan({ tags: ["five"], ids: [runs[0]?.id ?? ""] }, null, 13)).toEqual({ kind: "filtered" });
    expect(await plan({ tags: [] }, null, 13)).toEqual({ kind: "filtered" });
    await expect(plan({ tags: ["five", 3 as never] }, null, 13)).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("refuses a bad value in a split list with the field's name", async () => {
    await expect(opened.orchestration.listFlowRuns({ stateTypes: ["FAILED", "BOGUS" as never] })).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(opened.orchestration.listFlowRuns({ flowNames: ["list-a", 7 as never] })).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("splits only a list of several values with an index in the sort's order, none pinned to one value", () => {
    const sort = "EXPECTED_START_TIME_DESC";
    expect(splitListOf({ stateTypes: ["FAILED", "CRASHED"] }, sort)).toBe("stateTypes");
    expect(splitListOf({ stateTypes: ["FAILED", "FAILED"] }, sort)).toBeNull();
    expect(splitListOf({ stateTypes: ["FAILED", "CRASHED"], flowNames: ["a", "b"] }, sort)).toBe("flowNames");
    expect(splitListOf({ stateTypes: ["FAILED", "CRASHED"], deploymentIds: ["d"] }, sort)).toBeNull();
    expect(splitListOf({ stateTypes: ["FAILED", "CRASHED"] }, "CREATED_DESC")).toBe("stateTypes");
    expect(splitListOf({ flowNames: ["a", "b"] }, "CREATED_DESC")).toBeNull();
    expect(splitListOf({ stateTypes: ["FAILED", "CRASHED"], ids: ["x"] }, sort)).toBeNull();
    expect(splitListOf({ flowNames: Array.from({ length: MAX_SPLIT_VALUES + 1 }, (_, i) => `f${i}`) }, sort)).toBeNull();
  });
});

describe("flow-run tag index", () => {
  let test: TestDatabase;
  let opened: OpenedOrchestration;
  beforeAll(async () => {
    test = await createTestDatabase();
    opened = await openOrchestration({ databaseUrl: test.url });
  });
  afterAll(async () => {
    await opened?.close();
    await test?.dispose();
  });

  /** The ids the list and the count give for a tag filter, checked against `want`, read both ways. */
  async function expectTagged(tags: string[], want: string[]): Promise<void> {
    const { database } = opened.context;
    for (const options of TAG_PLANS) {
      const page = await listFlowRunPage(database, { tags }, { limit: 1000 }, options);
      expect(page.items.map((run) => run.id).sort(), `${JSON.stringify(tags)}, ${JSON.stringify(options)}`).toEqual([...want].sort());
      expect(await countFlowRunsMatching(database, { tags }, options)).toBe(want.length);
    }
  }

  /** On SQLite, `flow_run_tags` holds exactly the runs' tags. */
  async function expectIndexExact(): Promise<void> {
    const { database } = opened.context;
    if (database.capabilities.supportsJsonContainmentIndex) return;
    const want = await tagsOfRuns(database);
    expect(await indexedTags(database)).toEqual(want);
  }

  it("keeps the tags exact across creates, tag and start-time updates and deletes", async () => {
    const api = opened.orchestration;
    const { database } = opened.context;
    const both = await api.createFlowRun({ flowName: "tagged", tags: ["red", "blue"] });
    const blue = await api.createFlowRun({ flowName: "tagged", tags: ["blue", "blue"] });
    const none = await api.createFlowRun({ flowName: "tagged", tags: [] });
    const parent = await api.createFlowRun({ flowName: "tagged", tags: ["red"] });
    const child = await api.createFlowRun({ flowName: "tagged", tags: ["red", "child"], parentFlowRunId: parent.id });
    const quoted = await api.createFlowRun({ flowName: "tagged", tags: ['a "quoted", tag', "émoji 🎉"] });
    await expectIndexExact();
    if (!database.capabilities.supportsJsonContainmentIndex) expect(await indexedTags(database)).toHaveLength(8);
    await expectTagged(["red"], [both.id, parent.id, child.id]);
    await expectTagged(["blue"], [both.id, blue.id]);
    await expectTagged(["red", "blue"], [both.id]);
    await expectTagged(['a "quoted", tag'], [quoted.id]);
    await expectTagged(["émoji 🎉", 'a "quoted", tag'], [quoted.id]);

    await setTags(database, none.id, ["green", "red"]);
    await setTags(database, both.id, ["blue"]);
    await setTags(database, blue.id, []);
    await expectIndexExact();
    await expectTagged(["red"], [none.id, parent.id, child.id]);
    await expectTagged(["blue"], [both.id]);
    await expectTagged(["green"], [none.id]);

    const later = new Date(Date.now() + 86_400_000).toISOString();
    await database.db.updateTable("flow_runs").set({ expected_start_time: later }).where("id", "=", none.id).execute();
    await expectIndexExact();
    const page = await listFlowRunPage(database, { tags: ["red"], sort: "EXPECTED_START_TIME_DESC" }, { limit: 1 });
    expect(page.items.map((run) => run.id)).toEqual([none.id]);
    await expectTagged(["green"], [none.id]);

    await api.deleteFlowRun(parent.id);
    await database.db.deleteFrom("flow_runs").where("id", "=", quoted.id).execute();
    await expectIndexExact();
    await expectTagged(["red"], [none.id]);
    await expectTagged(["child"], []);
    await expectTagged(['a "quoted", tag'], []);
    if (!database.capabilities.supportsJsonContainmentIndex) expect(await indexedTags(database)).toHaveLength(3);
  });

  it("is created by a fresh migration: a table and its triggers on SQLite, the GIN index on PostgreSQL", async () => {
    const { database } = opened.context;
    const applied = await database.db.selectFrom("weir_migrations").select("name").execute();
    expect(applied.map((row) => row.name)).toContain("006-flow-run-tag-index");
    if (database.capabilities.supportsJsonContainmentIndex) {
      const { rows } = await sql<{ tags: string | null; index: string | null }>`select to_regclass('flow_run_tags')::text as tags, to_regclass('flow_runs_tags_idx')::text as index`.execute(database.db);
      expect(rows).toEqual([{ tags: null, index: "flow_runs_tags_idx" }]);
    } else {
      const { rows } = await sql<{ type: string; name: string }>`select type, name from sqlite_master where tbl_name in ('flow_run_tags', 'flow_runs') and name like 'flow_run_tags%' order by name`.execute(database.db);
      expect(rows).toEqual([
        { type: "table", name: "flow_run_tags" },
        { type: "trigger", name: "flow_run_tags_on_delete" },
        { type: "trigger", name: "flow_run_tags_on_insert" },
        { type: "trigger", name: "flow_run_tags_on_update" },
      ]);
    }
  });

  it("fills the index from the runs already tagged when an older database is migrated", async () => {
    const older = await createTestDatabase();
    const database = await openDatabase(older.url, { migrate: false });
    try {
      await runMigrations(
        database,
        // Every migration but 006, so that today's service code can write runs the way it does.
        MIGRATIONS.filter((migration) => !migration.name.startsWith("006-")),
      );
      const api = createOrchestration({ database, clock: systemClock, events: createEventBus() });
      const tagged: FlowRun[] = [];
      for (let index = 0; index < 30; index++) {
        const tags = [...(index % 3 === 0 ? ["three"] : []), ...(index % 2 === 0 ? ["even", "even"] : []), ...(index === 7 ? ["seven"] : [])];
        tagged.push(await api.createFlowRun({ flowName: "before-006", tags }));
      }
      expect(await runMigrations(database)).toContain("006-flow-run-tag-index");
      if (!database.capabilities.supportsJsonContainmentIndex) {
        const want = await tagsOfRuns(database);
        expect(want).toHaveLength(10 + 15 + 1);
        expect(await indexedTags(database)).toEqual(want);
      }
      const ids = (filter: (run: FlowRun) => boolean) => tagged.filter(filter).map((run) => run.id).sort();
      for (const [tags, want] of [
        [["three"], ids((run) => run.tags.includes("three"))],
        [["even", "three"], ids((run) => run.tags.includes("even") && run.tags.includes("three"))],
        [["seven"], [tagged[7]?.id]],
      ] as const) {
        for (const options of TAG_PLANS) {
          const page = await listFlowRunPage(database, { tags: [...tags] }, { limit: 100 }, options);
          expect(page.items.map((run) => run.id).sort()).toEqual(want);
          expect(await countFlowRunsMatching(database, { tags: [...tags] }, options)).toBe(want.length);
        }
      }
      // New runs are indexed by the triggers from now on.
      const after = await api.createFlowRun({ flowName: "after-006", tags: ["seven"] });
      expect((await listFlowRunPage(database, { tags: ["seven"] }, { limit: 10 })).items.map((run) => run.id).sort()).toEqual([tagged[7]?.id, after.id].sort());
    } finally {
      await database.close();
      await older.dispose();
    }
  });
});
