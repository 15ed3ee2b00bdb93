/** Translation of a FlowRunFilter into WHERE clauses (shared by list and count). */
import { sql, type SelectQueryBuilder } from "kysely";
import type { FlowRunFilter } from "../core/api-types.js";
import { STATE_NAMES, STATE_TYPES } from "../core/states.js";
import type { DatabaseSchema } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { checkStringList, checkTime, invalid } from "./input-checks.js";

type FlowRunQuery<O> = SelectQueryBuilder<DatabaseSchema, "flow_runs", O>;

const matchesNothing = sql<boolean>`1 = 0`;

/** The sorts a flow-run listing accepts. */
export const FLOW_RUN_SORTS = ["EXPECTED_START_TIME_DESC", "EXPECTED_START_TIME_ASC", "CREATED_DESC"] as const;

function checkMembers<T extends string>(value: unknown, field: string, allowed: readonly T[]): T[] {
  const list = checkStringList(value, field);
  for (const item of list) if (!allowed.includes(item as T)) invalid(field, `unknown value '${item}'`);
  return list as T[];
}

/** Add the filter's conditions to a query over `flow_runs`. */
export function applyFlowRunFilter<O>(database: WeirDatabase, query: FlowRunQuery<O>, filter: FlowRunFilter | undefined): FlowRunQuery<O> {
  if (!filter) return query;
  if (typeof filter !== "object") invalid("filter", "must be an object");
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
    query = values.length === 0 ? query.where(matchesNothing) : query.where(column, "in", values);
  }
  if (filter.stateTypes !== undefined) {
    const types = checkMembers(filter.stateTypes, "stateTypes", STATE_TYPES);
    query = types.length === 0 ? query.where(matchesNothing) : query.where("state_type", "in", types);
  }
  if (filter.stateNames !== undefined) {
    const names = checkMembers(filter.stateNames, "stateNames", STATE_NAMES);
    query = names.length === 0 ? query.where(matchesNothing) : query.where("state_name", "in", names);
  }
  if (filter.tags !== undefined) {
    const tags = checkStringList(filter.tags, "tags");
    if (tags.length > 0) query = query.where(database.sql.jsonArrayContainsAll("flow_runs.tags", tags));
  }
  if (filter.parentFlowRunId !== undefined) {
    query = filter.parentFlowRunId === null ? query.where("parent_flow_run_id", "is", null) : query.where("parent_flow_run_id", "=", filter.parentFlowRunId);
  }
  if (filter.startAfter !== undefined) query = query.where("expected_start_time", ">=", checkTime(filter.startAfter, "startAfter"));
  if (filter.startBefore !== undefined) query = query.where("expected_start_time", "<", checkTime(filter.startBefore, "startBefore"));
  return query;
}
