/**
 * Translation of a FlowRunFilter into WHERE clauses (shared by list and count). Columns are
 * qualified with `flow_runs.`, so the clauses also hold in a query that joins `flow_run_tags`
 * (the tag-driven reads of flow-run-tag-plan.ts).
 *
 * Tags: where the dialect indexes JSON containment (PostgreSQL's GIN), `tags @> […]`; elsewhere
 * (SQLite) one lookup per tag in `flow_run_tags` by `(tag, expected_start_time, id)`, which stays
 * next to the previous lookup when the runs are walked in time order.
 */
import { expressionBuilder, sql, type Expression, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { FlowRunFilter } from "../core/api-types.js";
import { STATE_NAMES, STATE_TYPES } from "../core/states.js";
import type { DatabaseSchema } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { checkStringList, checkTime, invalid } from "./input-checks.js";

const matchesNothing = sql<SqlBool>`1 = 0`;
const eb = expressionBuilder<DatabaseSchema, "flow_runs">();

/** The sorts a flow-run listing accepts. */
export const FLOW_RUN_SORTS = ["EXPECTED_START_TIME_DESC", "EXPECTED_START_TIME_ASC", "CREATED_DESC"] as const;

/** Where a run's start time and id are read from: `flow_runs`, or the `flow_run_tags` row a tag-driven read walks. */
export interface RunKeyColumns {
  /** @default "flow_runs.expected_start_time" */
  startTime: string;
  /** @default "flow_runs.id" */
  id: string;
}

/** How applyFlowRunFilter reads the filter. */
export interface FlowRunFilterOptions {
  /** The tags to check instead of the filter's (a tag-driven read checks the tag it walks itself). */
  tags?: readonly string[];
  /** Where the time window and the tag lookups read the run's start time and id. */
  keyColumns?: RunKeyColumns;
}

const RUN_KEY_COLUMNS: RunKeyColumns = { startTime: "flow_runs.expected_start_time", id: "flow_runs.id" };

function checkMembers<T extends string>(value: unknown, field: string, allowed: readonly T[]): T[] {
  const list = checkStringList(value, field);
  for (const item of list) if (!allowed.includes(item as T)) invalid(field, `unknown value '${item}'`);
  return list as T[];
}

/** The tags `filter` asks for, validated, each once. */
export function filterTags(filter: FlowRunFilter | undefined): string[] {
  if (!filter) return [];
  if (typeof filter !== "object") invalid("filter", "must be an object");
  return [...new Set(checkStringList(filter.tags, "tags"))];
}

/** True when the run whose start time and id are in `columns` carries `tag` (a `flow_run_tags` lookup). */
export function hasTagInTable(tag: string, columns: RunKeyColumns = RUN_KEY_COLUMNS): Expression<SqlBool> {
  // `limit 1` keeps this a lookup per run: the planner may otherwise turn an EXISTS into a join
  // and walk every run of a common tag first.
  return sql<SqlBool>`exists (select 1 from flow_run_tags where tag = ${tag} and expected_start_time = ${sql.ref(columns.startTime)} and flow_run_id = ${sql.ref(columns.id)} limit 1)`;
}

/** The conditions of `filter`, validated (each field names itself when wrong). */
export function flowRunFilterConditions(database: WeirDatabase, filter: FlowRunFilter | undefined, options: FlowRunFilterOptions = {}): Expression<SqlBool>[] {
  if (!filter) return [];
  const tags = options.tags ?? filterTags(filter);
  const keys = options.keyColumns ?? RUN_KEY_COLUMNS;
  const conditions: Expression<SqlBool>[] = [];
  const lists: Array<[keyof FlowRunFilter, "id" | "flow_name" | "deployment_id" | "work_pool_name" | "work_queue_name"]> = [
    ["ids", "id"],
    ["flowNames", "flow_name"],
    ["deploymentIds", "deployment_id"],
    ["workPoolNames", "work_pool_name"],
    ["workQueueNames", "work_queue_name"],
  ];
  for (const [field, column] of lists) {
    if (filter[field] === undefined) continue;
    const values = checkStringList(filter[field], field);
    conditions.push(values.length === 0 ? matchesNothing : eb(`flow_runs.${column}`, "in", values));
  }
  if (filter.stateTypes !== undefined) {
    const types = checkMembers(filter.stateTypes, "stateTypes", STATE_TYPES);
    conditions.push(types.length === 0 ? matchesNothing : eb("flow_runs.state_type", "in", types));
  }
  if (filter.stateNames !== undefined) {
    const names = checkMembers(filter.stateNames, "stateNames", STATE_NAMES);
    conditions.push(names.length === 0 ? matchesNothing : eb("flow_runs.state_name", "in", names));
  }
  if (tags.length > 0) {
    if (database.capabilities.supportsJsonContainmentIndex) conditions.push(database.sql.jsonArrayContainsAll("flow_runs.tags", tags));
    else for (const tag of tags) conditions.push(hasTagInTable(tag, keys));
  }
  if (filter.parentFlowRunId !== undefined) {
    conditions.push(filter.parentFlowRunId === null ? eb("flow_runs.parent_flow_run_id", "is", null) : eb("flow_runs.parent_flow_run_id", "=", filter.parentFlowRunId));
  }
  if (filter.startAfter !== undefined) conditions.push(sql<SqlBool>`${sql.ref(keys.startTime)} >= ${checkTime(filter.startAfter, "startAfter")}`);
  if (filter.startBefore !== undefined) conditions.push(sql<SqlBool>`${sql.ref(keys.startTime)} < ${checkTime(filter.startBefore, "startBefore")}`);
  return conditions;
}

/** Add the filter's conditions to a query over `flow_runs` (alone or joined). */
export function applyFlowRunFilter<DB, TB extends keyof DB, O>(
  database: WeirDatabase,
  query: SelectQueryBuilder<DB, TB, O>,
  filter: FlowRunFilter | undefined,
  options: FlowRunFilterOptions = {},
): SelectQueryBuilder<DB, TB, O> {
  for (const condition of flowRunFilterConditions(database, filter, options)) query = query.where(condition);
  return query;
}
