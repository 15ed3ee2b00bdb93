/**
 * Row types of every table, as Kysely sees them (columns are snake_case).
 *
 * Conventions, the same on SQLite and PostgreSQL:
 * - timestamps are ISO-8601 UTC strings from `Date#toISOString()` (TEXT columns), so they sort
 *   and compare as strings on both engines;
 * - JSON is TEXT on SQLite and jsonb on PostgreSQL, always written and read as a JSON string
 *   through `toJsonColumn` / `fromJsonColumn` (src/db/json-column.ts);
 * - booleans are integers 0/1;
 * - a run row carries its current state twice: `state_type/state_name/state_timestamp` columns for
 *   fast listing and the full state JSON in `state`; every state is also in the history table.
 * - `next_scheduled_start_time` is set while a flow run is SCHEDULED (its due time: the schedule
 *   slot, or the AwaitingRetry time); claims look for due runs by (state_type, this column).
 */
import type { Generated } from "kysely";

/** JSON stored as a string (TEXT on SQLite, jsonb on PostgreSQL). */
export type JsonText = string;

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

/** Table `flow_runs`. */
export interface FlowRunTable {
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
  state: JsonText;
  state_id: string;
  state_type: string;
  state_name: string;
  state_timestamp: string;
  run_count: number;
  retry_policy: JsonText;
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
export interface TaskRunTable {
  id: string;
  flow_run_id: string | null;
  name: string;
  task_key: string;
  dynamic_key: string;
  tags: JsonText;
  inputs: JsonText | null;
  cache_key: string | null;
  cache_expiration: string | null;
  state: JsonText;
  state_id: string;
  state_type: string;
  state_name: string;
  state_timestamp: string;
  run_count: number;
  retry_policy: JsonText;
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

/** Table `variables`. */
export interface VariableTable {
  id: string;
  name: string;
  /** JSON null for a secret variable (migration 012). */
  value: JsonText;
  tags: JsonText;
  /** 1 for a secret variable (migration 012). */
  is_secret: Generated<number>;
  /** A secret's value, encrypted (src/orchestration/secret-cipher.ts); null otherwise (migration 012). */
  secret_value: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `results` (the `server` result store; one row per key). */
export interface ResultTable {
  key: string;
  /** The serialized bytes (blob on SQLite, bytea on PostgreSQL; a Buffer either way). */
  data: Uint8Array;
  /** bigint on PostgreSQL: read back as text there. */
  size_bytes: number | string;
  created_at: string;
}

/** Table `task_queue_items` (migration 018): one attempt of a task run placed on a task queue. */
export interface TaskQueueItemTable {
  id: string;
  queue: string;
  /** The dispatcher (calling process) that reads the outcome back. */
  owner: string;
  task_run_id: string;
  flow_run_id: string | null;
  module: string;
  task_name: string;
  /** JSON array. */
  args: string;
  attempt: number;
  timeout_ms: number | null;
  /** `queued` | `running` | `completed` | `failed`. */
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  claims: Generated<number>;
  /** JSON: `{ value }` or `{ error: { name, message, stack } }`. */
  outcome: string | null;
  created_at: string;
}

/** Table `concurrency_limits` (one per tag). */
export interface ConcurrencyLimitTable {
  id: string;
  tag: string;
  slot_limit: number;
  created_at: string;
  updated_at: string;
}

/** Table `concurrency_leases`: one row per (lease, tag) slot; expired rows do not count. */
export interface ConcurrencyLeaseTable {
  id: string;
  tag: string;
  holder_id: string;
  expires_at: string;
  created_at: string;
}

/** Table `deployments` (unique by flow_id + name). */
export interface DeploymentTable {
  id: string;
  name: string;
  flow_id: string;
  flow_name: string;
  description: string | null;
  version: string | null;
  entrypoint: string;
  path: string | null;
  parameters: JsonText;
  parameter_schema: JsonText | null;
  tags: JsonText;
  work_pool_name: string;
  work_queue_name: string;
  is_paused: number;
  concurrency_limit: number | null;
  collision_strategy: string;
  job_variables: JsonText;
  is_served: number;
  last_polled_at: string | null;
  /** Retry policy of the flow, copied into each run (migration 002). */
  retry_policy: JsonText | null;
  /** Catch-up policy (migration 009): skip, latest or all. */
  catchup: string;
  catchup_window_seconds: number | null;
  /** Overlap policy (migration 009): allow, skip, buffer-one or cancel-other. */
  overlap: string;
  /** Where workers get the code (migration 017): JSON CodePull, null to read it in place. */
  pull: JsonText | null;
  /** The current version (migration 016); null until the first one is recorded. */
  version_number: number | null;
  /** How workers execute runs (migration 019): process, pooled, inline; null: as the worker says. */
  execution?: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `deployment_versions` (migration 016; unique by deployment_id + version). */
export interface DeploymentVersionTable {
  id: string;
  deployment_id: string;
  version: number;
  author: string;
  /** The deployment's spec as this version made it (src/core/deployment-versions.ts). */
  spec: JsonText;
  /** sha256 (hex) of the entrypoint file, as the applying client computed it; null when not given. */
  entrypoint_hash: string | null;
  /** JSON list of the spec fields that changed from the previous version. */
  changed_fields: JsonText;
  /** The version a rollback restored; null otherwise. */
  rolled_back_from: number | null;
  created_at: string;
}

/** Table `deployment_schedules`. */
export interface DeploymentScheduleTable {
  id: string;
  deployment_id: string;
  schedule: JsonText;
  parameters: JsonText;
  is_active: number;
  /** Overrides of the deployment's policies (migration 009); null: the deployment's. */
  catchup: string | null;
  catchup_window_seconds: number | null;
  overlap: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `scheduler_checkpoints` (migration 009): when a scheduler pass last ran, by name. */
export interface SchedulerCheckpointTable {
  name: string;
  passed_at: string;
}

/** Table `backfills` (migration 010; unique by deployment_id + request_key). */
export interface BackfillTable {
  id: string;
  deployment_id: string;
  start_time: string;
  end_time: string;
  parameters: JsonText;
  request_key: string;
  slot_count: number;
  created_at: string;
}

/** Table `work_pools`. */
export interface WorkPoolTable {
  id: string;
  name: string;
  type: string;
  description: string | null;
  is_paused: number;
  concurrency_limit: number | null;
  created_at: string;
  updated_at: string;
  /** The health last reported as an event, healthy or unhealthy (migration 013); null before the first. */
  reported_status?: string | null;
}

/** Table `work_queues` (unique by work_pool_id + name). */
export interface WorkQueueTable {
  id: string;
  work_pool_id: string;
  work_pool_name: string;
  name: string;
  description: string | null;
  priority: number;
  concurrency_limit: number | null;
  is_paused: number;
  last_polled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `workers` (unique by work_pool_id + name). */
export interface WorkerTable {
  id: string;
  name: string;
  work_pool_id: string;
  work_pool_name: string;
  last_heartbeat_at: string;
  heartbeat_interval_seconds: number;
  created_at: string;
  /** The status last reported as an event, ONLINE or OFFLINE (migration 013); null before the first. */
  reported_status?: string | null;
}

/**
 * Table `events` (migration 013): stored events, in `seq` order. `tx` is the writing transaction's
 * id on PostgreSQL (0 on SQLite), for followers (src/orchestration/event-query.ts).
 */
export interface EventTable {
  seq: Generated<number>;
  id: string;
  occurred: string;
  event: string;
  resource_id: string;
  resource_kind: string;
  resource_name: string | null;
  payload: JsonText;
  tx: Generated<string | number>;
}

/** Table `event_related` (migration 013): the related resources of an event, one row each. */
export interface EventRelatedTable {
  related_id: string;
  seq: number;
  kind: string;
  name: string | null;
}

/** Table `automations` (migration 015; unique by name). */
export interface AutomationTable {
  id: string;
  name: string;
  description: string | null;
  is_enabled: number;
  /** TriggerSpec JSON (canonical form). */
  trigger_spec: JsonText;
  /** ActionSpec[] JSON. */
  actions: JsonText;
  deployment_id: string | null;
  /** TriggerState JSON. */
  trigger_state: JsonText;
  /** The last stored event the trigger has seen. */
  event_cursor: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `automation_firings` (migration 015; unique by automation_id + firing_key). */
export interface AutomationFiringTable {
  id: string;
  automation_id: string;
  firing_key: string;
  fired_at: string;
  reason: string;
  event_id: string | null;
  event_name: string | null;
  flow_run_id: string | null;
  /** The triggering event (JSON), when there is one. */
  event: JsonText | null;
  /** AutomationActionOutcome[] JSON. */
  actions: JsonText;
  /** `pending` until the actions ran, then `done`. */
  status: string;
}

/** Table `notification_deliveries` (migration 014): the notification outbox (src/core/notification-deliveries.ts). */
export interface NotificationDeliveryTable {
  id: string;
  automation_id: string | null;
  action_type: string;
  target: string;
  /** The action with secrets redacted. */
  action: JsonText;
  /** The whole action, encrypted (null when it has no secret field). */
  sealed_action: string | null;
  message: JsonText;
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}

/** Table `weir_migrations`: applied migrations. */
export interface MigrationTable {
  name: string;
  applied_at: string;
}

/** The whole database, for `Kysely<DatabaseSchema>`. */
export interface DatabaseSchema {
  flows: FlowTable;
  flow_runs: FlowRunTable;
  flow_run_states: FlowRunStateTable;
  flow_run_transitions: FlowRunTransitionTable;
  flow_run_tags: FlowRunTagTable;
  task_runs: TaskRunTable;
  task_run_states: TaskRunStateTable;
  logs: LogTable;
  artifacts: ArtifactTable;
  variables: VariableTable;
  results: ResultTable;
  task_queue_items: TaskQueueItemTable;
  concurrency_limits: ConcurrencyLimitTable;
  concurrency_leases: ConcurrencyLeaseTable;
  deployments: DeploymentTable;
  deployment_schedules: DeploymentScheduleTable;
  deployment_versions: DeploymentVersionTable;
  scheduler_checkpoints: SchedulerCheckpointTable;
  backfills: BackfillTable;
  work_pools: WorkPoolTable;
  work_queues: WorkQueueTable;
  workers: WorkerTable;
  notification_deliveries: NotificationDeliveryTable;
  events: EventTable;
  event_related: EventRelatedTable;
  weir_migrations: MigrationTable;
  automations: AutomationTable;
  automation_firings: AutomationFiringTable;
}
