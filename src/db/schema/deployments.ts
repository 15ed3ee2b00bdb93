/**
 * Row types of deployments and what runs them on a timetable: deployment versions, schedules,
 * the scheduler's checkpoints and backfills. Split out of src/db/schema.ts by area; that file
 * assembles every table into `DatabaseSchema`.
 * Column conventions (timestamps, JSON, booleans) are in the header of src/db/schema.ts.
 */
import type { JsonText } from "./json-text.js";

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
