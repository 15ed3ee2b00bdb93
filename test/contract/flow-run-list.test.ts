/**
 * The runs list query (flow-run-list-query.ts): a list filter of several values is read as one
 * ordered branch per value merged by UNION ALL. Whatever the shape, every sort, filter and page
 * size must give exactly the runs a plain filter-and-sort over all runs gives, in the same order,
 * page after page through the cursor, with ties on the sort key broken by id. Runs on SQLite and
 * PostgreSQL (WEIR_TEST_DB).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowRunFilter } from "../../src/core/api-types.js";
import type { FlowRun } from "../../src/core/models.js";
import { makeState, type StateName } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { MAX_SPLIT_VALUES, splitListOf } from "../../src/orchestration/flow-run-list-query.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

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
      runs.push(await api.createFlowRun({ flowName: FLOWS[index % 4 === 3 ? 2 : index % 2] ?? "list-a", tags: index % 5 === 0 ? ["five"] : [], state }));
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
