/**
 * The runs list query: a filter, a sort and a keyset cursor become one SELECT that reads about
 * `limit` index entries however many runs are stored (DESIGN §8: 1,000,000 runs, p95 ≤ 100 ms).
 *
 * Every sort key has an index ending in `(expected_start_time, id)` or `(created_at, id)`, and
 * each list filter column used by the dashboard (state type, state name, flow, deployment) has an
 * index `(column, expected_start_time, id)` (state type also `(state_type, created_at, id)`, for
 * the home page's recent failures). With one value per column the database walks one of them in
 * order and stops after `limit + 1` rows. A list of several values (the dashboard's
 * "Failed or Crashed") is the case planners get wrong: SQLite reads every matching run and sorts
 * them (0.4 s at 1,000,000 runs), and PostgreSQL may walk the time index filtering out most rows.
 * So such a list becomes one branch per value, each an ordered index range cut at `limit + 1`,
 * merged by a UNION ALL that the outer query orders and cuts again: at most
 * `values × (limit + 1)` rows are read, whatever their share of the table.
 *
 * A tag filter on SQLite may instead walk the tag's rows of `flow_run_tags` in the sort's order
 * (flow-run-tag-plan.ts says when); such a read is never split.
 */
import type { FlowRunFilter, Page, PageRequest } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { FLOW_RUN_SORTS, applyFlowRunFilter } from "./flow-run-filter.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { planFlowRunTags, type FlowRunTagPlanOptions } from "./flow-run-tag-plan.js";
import { invalid } from "./input-checks.js";
import { compilePageRequest, toPage, type CompiledPage, type PagePosition } from "./page-cursor.js";

/** The filter lists that have an index `(column, expected_start_time, id)`, in the order they are preferred for splitting. */
const SPLITTABLE_BY_START_TIME = ["deploymentIds", "flowNames", "stateTypes", "stateNames"] as const;
/** The filter lists that have an index `(column, created_at, id)` (005). */
const SPLITTABLE_BY_CREATED = ["stateTypes"] as const;
type SplittableList = (typeof SPLITTABLE_BY_START_TIME)[number];

/** More values than this are left to the planner (one branch each would cost more than it saves). */
export const MAX_SPLIT_VALUES = 12;

/**
 * The list filter to split into one branch per value, or null: a list of 2 to MAX_SPLIT_VALUES
 * distinct values with an index ordered by the sort, unless another such list pins one value
 * (its index is then walked in order already), and never with `ids` (the primary key answers).
 */
export function splitListOf(filter: FlowRunFilter | undefined, sort: string): SplittableList | null {
  if (!filter || filter.ids !== undefined) return null;
  const candidates: readonly SplittableList[] = sort === "CREATED_DESC" ? SPLITTABLE_BY_CREATED : SPLITTABLE_BY_START_TIME;
  const lengths = candidates.map((field) => {
    const values = filter[field];
    return Array.isArray(values) ? new Set(values).size : 0;
  });
  if (lengths.includes(1)) return null;
  const index = lengths.findIndex((length) => length > 1 && length <= MAX_SPLIT_VALUES);
  return index < 0 ? null : (candidates[index] ?? null);
}

/** The rows of a page whose tag filter is read from `flow_run_tags` (the tag's key order when the sort is by start time). */
function readTagDrivenRows(
  database: WeirDatabase,
  filter: FlowRunFilter,
  plan: { tag: string; otherTags: string[] },
  sort: string,
  { limit, after }: CompiledPage,
) {
  const direction = sort === "EXPECTED_START_TIME_ASC" ? "asc" : "desc";
  const [key, id] = sort === "CREATED_DESC" ? (["flow_runs.created_at", "flow_runs.id"] as const) : (["tagged.expected_start_time", "tagged.flow_run_id"] as const);
  // CROSS JOIN: SQLite keeps the left table outermost, so the tag's rows drive the read.
  let query = database.db
    .selectFrom("flow_run_tags as tagged")
    .crossJoin("flow_runs")
    .selectAll("flow_runs")
    .where("tagged.tag", "=", plan.tag)
    .whereRef("flow_runs.id", "=", "tagged.flow_run_id");
  query = applyFlowRunFilter(database, query, filter, { tags: plan.otherTags, keyColumns: { startTime: "tagged.expected_start_time", id: "tagged.flow_run_id" } });
  if (after) query = query.where((eb) => eb(eb.refTuple(key, id), direction === "asc" ? ">" : "<", eb.tuple(String(after.key), after.id)));
  return query.orderBy(key, direction).orderBy(id, direction).limit(limit + 1).execute();
}

/** One page of the flow runs matching `filter`, in its sort, after the page request's cursor. */
export async function listFlowRunPage(
  database: WeirDatabase,
  filter: FlowRunFilter | undefined,
  page: PageRequest | undefined,
  options: FlowRunTagPlanOptions = {},
): Promise<Page<FlowRun>> {
  const { db } = database;
  const sort = filter?.sort ?? "EXPECTED_START_TIME_DESC";
  if (!FLOW_RUN_SORTS.includes(sort)) invalid("sort", `must be one of ${FLOW_RUN_SORTS.join(", ")}`);
  const compiledPage = compilePageRequest(page, sort);
  const { limit, after } = compiledPage;
  const column = sort === "CREATED_DESC" ? "created_at" : "expected_start_time";
  const direction = sort === "EXPECTED_START_TIME_ASC" ? "asc" : "desc";

  const ordered = (branchFilter: FlowRunFilter | undefined) => {
    let query = applyFlowRunFilter(database, db.selectFrom("flow_runs").selectAll(), branchFilter)
      .orderBy(column, direction)
      .orderBy("id", direction)
      .limit(limit + 1);
    if (after) {
      query = query.where((eb) => eb(eb.refTuple(column, "id"), direction === "asc" ? ">" : "<", eb.tuple(String(after.key), after.id)));
    }
    return query;
  };

  const plan = await planFlowRunTags(database, filter, sort, options);
  const split = plan.kind === "filtered" ? splitListOf(filter, sort) : null;
  let rows;
  if (plan.kind === "tag-driven" && filter !== undefined) {
    rows = await readTagDrivenRows(database, filter, plan, sort, compiledPage);
  } else if (split === null || filter === undefined) {
    rows = await ordered(filter).execute();
  } else {
    // The list is validated by applyFlowRunFilter in each branch; duplicates would repeat rows.
    const values = [...new Set(filter[split] as string[])];
    const branches = values.map((value, index) => db.selectFrom(ordered({ ...filter, [split]: [value] }).as(`branch_${index}`)).selectAll());
    const [first, ...rest] = branches;
    if (first === undefined) throw new Error("unreachable: a split list has values");
    const merged = rest.reduce((union, branch) => union.unionAll(branch), first);
    rows = await db.selectFrom(merged.as("merged")).selectAll().orderBy(column, direction).orderBy("id", direction).limit(limit + 1).execute();
  }
  return toPage(rows, limit, flowRunFromRow, (row): PagePosition => ({ key: row[column], id: row.id, sort }));
}
