/**
 * Row types of the run tables: flows, flow runs and task runs with their state histories, and
 * what runs write as they go (logs, artifacts). Split out of src/db/schema.ts by area; that file
 * assembles every table into `DatabaseSchema`.
 * Column conventions (timestamps, JSON, booleans) are in the header of src/db/schema.ts.
 */
import type { Generated } from "kysely";
import type { JsonText } from "./json-text.js";

/** Table `flows`. */
export interface FlowTable {
  id: string;
  name: string;
  description: string | null;
  version: string | null;
  parameter_schema: JsonText | null;
  tags: JsonText;
  created_at: string;
  updated_at: string;
}

/** The columns of a run's current state and attempts, the same on flow runs and task runs. */
export interface RunStateColumns {
  state: JsonText;
  state_id: string;
  state_type: string;
  state_name: string;
  state_timestamp: string;
  run_count: number;
  retry_policy: JsonText;
}

/** Table `flow_runs`. */
export interface FlowRunTable extends RunStateColumns {
  id: string;
  name: string;
  flow_id: string;
  flow_name: string;
  deployment_id: string | null;
  deployment_name: string | null;
  parent_flow_run_id: string | null;
  parent_task_run_id: string | null;
  parameters: JsonText;
  tags: JsonText;
  expected_start_time: string;
  next_scheduled_start_time: string | null;
  start_time: string | null;
  end_time: string | null;
  total_run_time_ms: number;
  work_pool_name: string | null;
  work_queue_name: string | null;
  worker_id: string | null;
  worker_name: string | null;
  heartbeat_at: string | null;
  heartbeat_interval_seconds: number | null;
  infrastructure_pid: string | null;
  /** The code version the run executed (migration 017). */
  code_version: string | null;
  idempotency_key: string | null;
  schedule_id: string | null;
  /** The deployment version the run ran (migration 016); null for runs of no deployment, or made before versions. */
  deployment_version: number | null;
  created_at: string;
  updated_at: string;
}

/** Table `flow_run_states`: the history of every flow run (in `seq` order). */
export interface FlowRunStateTable {
  seq: Generated<number>;
  id: string;
  flow_run_id: string;
  type: string;
  name: string;
  timestamp: string;
  state: JsonText;
}

/**
 * Table `flow_run_tags` (SQLite only, migration 006): one row per tag of a flow run, kept exact by
 * triggers on `flow_runs`, so the tag filter reads an index instead of every run's JSON.
 */
export interface FlowRunTagTable {
  tag: string;
  expected_start_time: string;
  flow_run_id: string;
}

/** Table `flow_run_transitions`: decisions remembered by transition id (idempotent set-state). */
export interface FlowRunTransitionTable {
  flow_run_id: string;
  transition_id: string;
  result: JsonText;
  created_at: string;
}

/** Table `task_runs`. */
export interface TaskRunTable extends RunStateColumns {
  id: string;
  flow_run_id: string | null;
  name: string;
  task_key: string;
  dynamic_key: string;
  tags: JsonText;
  inputs: JsonText | null;
  cache_key: string | null;
  cache_expiration: string | null;
  expected_start_time: string | null;
  start_time: string | null;
  end_time: string | null;
  total_run_time_ms: number;
  subflow_run_id: string | null;
  created_at: string;
  updated_at: string;
  /** Every state of the run, oldest first (JSON array as text; migration 003). */
  state_history: JsonText;
}

/** Table `task_run_states`: task-run history before migration 003, now always empty (kept for the deletion paths). */
export interface TaskRunStateTable {
  seq: Generated<number>;
  id: string;
  task_run_id: string;
  type: string;
  name: string;
  timestamp: string;
  state: JsonText;
}

/** Table `logs`; `id` increases monotonically and is the read cursor. */
export interface LogTable {
  id: Generated<number>;
  flow_run_id: string | null;
  task_run_id: string | null;
  worker_id: string | null;
  level: string;
  level_rank: number;
  name: string;
  message: string;
  timestamp: string;
}

/** Table `artifacts`. */
export interface ArtifactTable {
  id: string;
  key: string | null;
  type: string;
  description: string | null;
  data: JsonText;
  flow_run_id: string | null;
  task_run_id: string | null;
  created_at: string;
  updated_at: string;
}
