/**
 * The runs list's count: how many runs match a filter. Without tags, or where JSON containment
 * is indexed (PostgreSQL), one `count(*)` over `flow_runs` with the filter's conditions. A tag
 * filter read from `flow_run_tags` (flow-run-tag-plan.ts) counts the tag's key range: alone when
 * the other conditions are only the time window (an index range count), joined to the runs
 * otherwise.
 */
import { sql } from "kysely";
import type { FlowRunFilter } from "../core/api-types.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { applyFlowRunFilter, type RunKeyColumns } from "./flow-run-filter.js";
import { planFlowRunTags, type FlowRunTagPlanOptions } from "./flow-run-tag-plan.js";

const TAGGED_KEYS: RunKeyColumns = { startTime: "tagged.expected_start_time", id: "tagged.flow_run_id" };
const countAll = sql<number>`count(*)`.as("count");

/** The number of flow runs matching `filter`. */
export async function countFlowRunsMatching(database: WeirDatabase, filter: FlowRunFilter | undefined, options: FlowRunTagPlanOptions = {}): Promise<number> {
  const { db } = database;
  const plan = await planFlowRunTags(database, filter, null, options);
  let row: { count: number };
  if (plan.kind === "filtered") {
    row = await applyFlowRunFilter(database, db.selectFrom("flow_runs").select(countAll), filter).executeTakeFirstOrThrow();
  } else if (!plan.needsRuns) {
    const tagged = db.selectFrom("flow_run_tags as tagged").select(countAll).where("tagged.tag", "=", plan.tag);
    row = await applyFlowRunFilter(database, tagged, filter, { tags: plan.otherTags, keyColumns: TAGGED_KEYS }).executeTakeFirstOrThrow();
  } else {
    // CROSS JOIN: SQLite keeps the left table outermost, so the tag's rows drive the read.
    const joined = db
      .selectFrom("flow_run_tags as tagged")
      .crossJoin("flow_runs")
      .select(countAll)
      .where("tagged.tag", "=", plan.tag)
      .whereRef("flow_runs.id", "=", "tagged.flow_run_id");
    row = await applyFlowRunFilter(database, joined, filter, { tags: plan.otherTags, keyColumns: TAGGED_KEYS }).executeTakeFirstOrThrow();
  }
  return Number(row.count);
}
