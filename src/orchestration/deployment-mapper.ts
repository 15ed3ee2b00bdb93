/** Conversion of `deployments` and `deployment_schedules` rows to the API's records. */
import type { CatchupPolicy, CodePull, CollisionStrategy, Deployment, DeploymentSchedule, ExecutionMode, OverlapPolicy, RetryPolicy, ScheduleSpec } from "../core/models.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { DeploymentScheduleTable, DeploymentTable } from "../db/schema.js";

/** A `deployment_schedules` row as a DeploymentSchedule. */
export function deploymentScheduleFromRow(row: DeploymentScheduleTable): DeploymentSchedule {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    schedule: fromJsonColumn<ScheduleSpec>(row.schedule),
    parameters: fromJsonColumn(row.parameters),
    isActive: Boolean(row.is_active),
    catchup: (row.catchup ?? null) as CatchupPolicy | null,
    catchupWindow: row.catchup_window_seconds === null || row.catchup_window_seconds === undefined ? null : Number(row.catchup_window_seconds),
    overlap: (row.overlap ?? null) as OverlapPolicy | null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `deployments` row and its schedule rows as a Deployment. */
export function deploymentFromRow(row: DeploymentTable, schedules: DeploymentScheduleTable[]): Deployment {
  return {
    id: row.id,
    name: row.name,
    flowId: row.flow_id,
    flowName: row.flow_name,
    description: row.description,
    version: row.version,
    entrypoint: row.entrypoint,
    path: row.path,
    parameters: fromJsonColumn(row.parameters),
    parameterSchema: fromJsonColumn(row.parameter_schema),
    tags: fromJsonColumn(row.tags),
    workPoolName: row.work_pool_name,
    workQueueName: row.work_queue_name,
    isPaused: Boolean(row.is_paused),
    concurrencyLimit: row.concurrency_limit === null ? null : Number(row.concurrency_limit),
    collisionStrategy: row.collision_strategy as CollisionStrategy,
    catchup: row.catchup as CatchupPolicy,
    catchupWindow: row.catchup_window_seconds === null ? null : Number(row.catchup_window_seconds),
    overlap: row.overlap as OverlapPolicy,
    schedules: schedules
      .filter((schedule) => schedule.deployment_id === row.id)
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id))
      .map(deploymentScheduleFromRow),
    jobVariables: fromJsonColumn(row.job_variables),
    pull: fromJsonColumn<CodePull | null>(row.pull ?? null),
    isServed: Boolean(row.is_served),
    execution: (row.execution ?? null) as ExecutionMode | null,
    retryPolicy: fromJsonColumn<RetryPolicy | null>(row.retry_policy ?? null),
    versionNumber: row.version_number === null || row.version_number === undefined ? null : Number(row.version_number),
    lastPolledAt: row.last_polled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
