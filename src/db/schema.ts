/**
 * Row types of every table, as Kysely sees them (columns are snake_case): `DatabaseSchema`,
 * assembled here from the table types of src/db/schema/ (one file per area), all re-exported.
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
import type { ArtifactTable, FlowRunStateTable, FlowRunTable, FlowRunTagTable, FlowRunTransitionTable, FlowTable, LogTable, TaskRunStateTable, TaskRunTable } from "./schema/runs.js";
import type { ResultTable, VariableTable } from "./schema/stored-values.js";
import type { ConcurrencyLeaseTable, ConcurrencyLimitTable, TaskQueueItemTable, WorkerTable, WorkPoolTable, WorkQueueTable } from "./schema/workers.js";
import type { BackfillTable, DeploymentScheduleTable, DeploymentTable, DeploymentVersionTable, SchedulerCheckpointTable } from "./schema/deployments.js";
import type { AutomationFiringTable, AutomationTable, EventRelatedTable, EventTable, NotificationDeliveryTable } from "./schema/events.js";

// The table types live in src/db/schema/, one file per area; every import of them from here keeps working.
export type { JsonText } from "./schema/json-text.js";
export type { ArtifactTable, FlowRunStateTable, FlowRunTable, FlowRunTagTable, FlowRunTransitionTable, FlowTable, LogTable, TaskRunStateTable, TaskRunTable };
export type { ResultTable, VariableTable };
export type { ConcurrencyLeaseTable, ConcurrencyLimitTable, TaskQueueItemTable, WorkerTable, WorkPoolTable, WorkQueueTable };
export type { BackfillTable, DeploymentScheduleTable, DeploymentTable, DeploymentVersionTable, SchedulerCheckpointTable };
export type { AutomationFiringTable, AutomationTable, EventRelatedTable, EventTable, NotificationDeliveryTable };

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
