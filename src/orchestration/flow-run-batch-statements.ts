/**
 * The two batched writes of the flow-run hot path, each one statement for any number of runs:
 * - `insertFlowRunsWithStates`: new runs and their first states (a run already there is left
 *   alone, and so are its states);
 * - `applyGuardedFlowRunStates`: state changes decided on cached rows (see
 *   apply-flow-run-state-guarded.ts), each applied only where its guard still holds, with its
 *   history and its transition id.
 *
 * The rows travel as one JSON document per table (`jsonb_to_recordset`), so the statement text
 * is the same for every batch size and the server keeps it prepared. These statements are for
 * databases with data-modifying CTEs (`supportsDataModifyingCte`: PostgreSQL); the others take
 * the portable paths.
 */
import { CompiledQuery, type Kysely } from "kysely";
import type { State } from "../core/states.js";
import { toJsonText } from "../db/json-column.js";
import { markPrepared } from "../db/prepared-statements.js";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";

type Db = Kysely<DatabaseSchema>;
type ColumnType = "text" | "json" | "integer" | "bigint";

// Every column of `flow_runs` and how it travels (JSON columns as text, cast on the way in).
const FLOW_RUN_COLUMN_TYPES: Record<keyof FlowRunTable, ColumnType> = {
  id: "text",
  name: "text",
  flow_id: "text",
  flow_name: "text",
  deployment_id: "text",
  deployment_name: "text",
  parent_flow_run_id: "text",
  parent_task_run_id: "text",
  parameters: "json",
  tags: "json",
  state: "json",
  state_id: "text",
  state_type: "text",
  state_name: "text",
  state_timestamp: "text",
  run_count: "integer",
  retry_policy: "json",
  expected_start_time: "text",
  next_scheduled_start_time: "text",
  start_time: "text",
  end_time: "text",
  total_run_time_ms: "bigint",
  work_pool_name: "text",
  work_queue_name: "text",
  worker_id: "text",
  worker_name: "text",
  heartbeat_at: "text",
  heartbeat_interval_seconds: "integer",
  infrastructure_pid: "text",
  code_version: "text",
  idempotency_key: "text",
  schedule_id: "text",
  deployment_version: "integer",
  created_at: "text",
  updated_at: "text",
};
const FLOW_RUN_COLUMNS = Object.keys(FLOW_RUN_COLUMN_TYPES) as Array<keyof FlowRunTable>;

const q = (name: string): string => `"${name}"`;
const recordType = (type: ColumnType): string => (type === "json" ? "text" : type);
const valueOf = (alias: string, column: string, type: ColumnType): string => (type === "json" ? `cast(${alias}.${q(column)} as jsonb)` : `${alias}.${q(column)}`);

// States of the batch, in order, kept only for the runs the statement wrote (`written` CTE).
const STATES_FROM = `rows from (jsonb_to_recordset(cast($2 as jsonb)) as ("id" text, "flow_run_id" text, "type" text, "name" text, "timestamp" text, "state" text)) with ordinality as s("id", "flow_run_id", "type", "name", "timestamp", "state", "n")`;
const insertStates = (written: string): string =>
  `insert into "flow_run_states" ("id", "flow_run_id", "type", "name", "timestamp", "state") ` +
  `select s."id", s."flow_run_id", s."type", s."name", s."timestamp", cast(s."state" as jsonb) from ${STATES_FROM} ` +
  `where s."flow_run_id" in (select "id" from ${written}) order by s."n" on conflict ("id") do nothing`;

const INSERT_RUNS_SQL = markPrepared(
  `with "input" as (select * from jsonb_to_recordset(cast($1 as jsonb)) as x(${FLOW_RUN_COLUMNS.map((column) => `${q(column)} ${recordType(FLOW_RUN_COLUMN_TYPES[column])}`).join(", ")})), ` +
    `"run" as (insert into "flow_runs" (${FLOW_RUN_COLUMNS.map(q).join(", ")}) select ${FLOW_RUN_COLUMNS.map((column) => valueOf("x", column, FLOW_RUN_COLUMN_TYPES[column])).join(", ")} from "input" as x on conflict ("id") do nothing returning "id"), ` +
    `"states" as (${insertStates(`"run"`)}) ` +
    `select "id" from "run"`,
);

/** A state change decided on a cached row: the columns to set where the guard holds. */
export interface GuardedFlowRunChange {
  id: string;
  /** The guard: the row's `state_id` and `updated_at` when it was cached. */
  expected_state_id: string;
  expected_updated_at: string;
  state: string;
  state_id: string;
  state_type: string;
  state_name: string;
  state_timestamp: string;
  run_count: number;
  total_run_time_ms: number;
  start_time: string | null;
  end_time: string | null;
  /** null keeps the stored value (a heartbeat may have moved it since the row was cached). */
  heartbeat_at: string | null;
  /** The process heartbeating the run and its interval (a Running proposal may carry them); null keeps the stored value. */
  infrastructure_pid: string | null;
  heartbeat_interval_seconds: number | null;
  next_scheduled_start_time: string | null;
  updated_at: string;
  /** Remembered with `result` when given; a change whose id is known already is not applied. */
  transition_id: string | null;
  result: string;
  /** The states to append, in order. */
  recorded: State[];
}

const GUARDED_INPUT_COLUMNS: Record<Exclude<keyof GuardedFlowRunChange, "recorded">, ColumnType> = {
  id: "text",
  expected_state_id: "text",
  expected_updated_at: "text",
  state: "json",
  state_id: "text",
  state_type: "text",
  state_name: "text",
  state_timestamp: "text",
  run_count: "integer",
  total_run_time_ms: "bigint",
  start_time: "text",
  end_time: "text",
  heartbeat_at: "text",
  infrastructure_pid: "text",
  heartbeat_interval_seconds: "integer",
  next_scheduled_start_time: "text",
  updated_at: "text",
  transition_id: "text",
  result: "json",
};
const SET_COLUMNS = ["state", "state_id", "state_type", "state_name", "state_timestamp", "run_count", "total_run_time_ms", "start_time", "end_time", "next_scheduled_start_time", "updated_at"] as const;

const APPLY_GUARDED_SQL = markPrepared(
  `with "input" as (select * from jsonb_to_recordset(cast($1 as jsonb)) as x(${Object.entries(GUARDED_INPUT_COLUMNS)
    .map(([column, type]) => `${q(column)} ${recordType(type)}`)
    .join(", ")})), ` +
    // Every condition names the batch's run ids ($3), so the plan reads by index however the
    // tables grow (the statement stays prepared, with one plan).
    `"seen" as materialized (select t."flow_run_id", t."transition_id" from "flow_run_transitions" as t where t."flow_run_id" = any(cast($3 as text[]))), ` +
    `"updated" as (update "flow_runs" as f set ${SET_COLUMNS.map((column) => `${q(column)} = ${valueOf("x", column, GUARDED_INPUT_COLUMNS[column])}`).join(", ")}, ` +
    ["heartbeat_at", "infrastructure_pid", "heartbeat_interval_seconds"].map((column) => `${q(column)} = coalesce(x.${q(column)}, f.${q(column)})`).join(", ") +
    ` from "input" as x ` +
    `where f."id" = any(cast($3 as text[])) and f."id" = x."id" and f."state_id" = x."expected_state_id" and f."updated_at" = x."expected_updated_at" ` +
    `and (x."transition_id" is null or not exists (select 1 from "seen" as t where t."flow_run_id" = x."id" and t."transition_id" = x."transition_id")) ` +
    `returning f.*), ` +
    `"states" as (${insertStates(`"updated"`)}), ` +
    `"transitions" as (insert into "flow_run_transitions" ("flow_run_id", "transition_id", "result", "created_at") ` +
    `select x."id", x."transition_id", cast(x."result" as jsonb), x."updated_at" from "input" as x where x."transition_id" is not null and x."id" in (select "id" from "updated")) ` +
    `select * from "updated"`,
);

function statesDocument(items: Array<{ id: string; states: State[] }>): string {
  const rows: Array<Record<string, string>> = [];
  for (const { id, states } of items) {
    for (const state of states) rows.push({ id: state.id, flow_run_id: id, type: state.type, name: state.name, timestamp: state.timestamp, state: toJsonText(state) });
  }
  return toJsonText(rows);
}

/** Insert runs (with their first states) that do not exist yet; per run, whether it was inserted. */
export async function insertFlowRunsWithStates(db: Db, runs: Array<{ row: FlowRunTable; states: State[] }>): Promise<boolean[]> {
  const document = toJsonText(runs.map(({ row }) => row));
  const result = await db.executeQuery<{ id: string }>(CompiledQuery.raw(INSERT_RUNS_SQL, [document, statesDocument(runs.map(({ row, states }) => ({ id: row.id, states })))]));
  const inserted = new Set(result.rows.map((row) => row.id));
  return runs.map(({ row }) => inserted.has(row.id));
}

/** Apply guarded changes; per change, the run's row afterwards, or null where its guard failed. */
export async function applyGuardedFlowRunStates(db: Db, changes: GuardedFlowRunChange[]): Promise<Array<FlowRunTable | null>> {
  const document = toJsonText(changes.map(({ recorded: _recorded, ...change }) => change));
  const states = statesDocument(changes.map((change) => ({ id: change.id, states: change.recorded })));
  const result = await db.executeQuery<FlowRunTable>(CompiledQuery.raw(APPLY_GUARDED_SQL, [document, states, changes.map((change) => change.id)]));
  const rows = new Map(result.rows.map((row) => [row.id, row]));
  return changes.map((change) => rows.get(change.id) ?? null);
}
