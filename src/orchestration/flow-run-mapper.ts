/** Conversion of `flow_runs` and `task_runs` rows to the API's records. */
import type { FlowRun, RetryPolicy, TaskRun } from "../core/models.js";
import type { State, StateName, StateType } from "../core/states.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { FlowRunTable, TaskRunTable } from "../db/schema.js";

/** A retry policy with defaults filled (0 retries, delay [0]). */
export function compileRetryPolicy(policy: Partial<RetryPolicy> | undefined): RetryPolicy {
  const delays = policy?.retryDelaySeconds;
  return {
    retries: Math.max(0, Math.floor(policy?.retries ?? 0)),
    retryDelaySeconds: Array.isArray(delays) && delays.length > 0 ? delays.map((d) => Math.max(0, Number(d))) : [0],
  };
}

/** A `flow_runs` row as a FlowRun. */
export function flowRunFromRow(row: FlowRunTable): FlowRun {
  return {
    id: row.id,
    name: row.name,
    flowId: row.flow_id,
    flowName: row.flow_name,
    deploymentId: row.deployment_id,
    deploymentName: row.deployment_name,
    parentFlowRunId: row.parent_flow_run_id,
    parentTaskRunId: row.parent_task_run_id,
    parameters: fromJsonColumn(row.parameters),
    tags: fromJsonColumn(row.tags),
    state: fromJsonColumn<State>(row.state),
    stateType: row.state_type as StateType,
    stateName: row.state_name as StateName,
    runCount: Number(row.run_count),
    retryPolicy: fromJsonColumn(row.retry_policy),
    expectedStartTime: row.expected_start_time,
    nextScheduledStartTime: row.next_scheduled_start_time,
    startTime: row.start_time,
    endTime: row.end_time,
    totalRunTimeMs: Number(row.total_run_time_ms),
    workPoolName: row.work_pool_name,
    workQueueName: row.work_queue_name,
    workerId: row.worker_id,
    workerName: row.worker_name,
    heartbeatAt: row.heartbeat_at,
    heartbeatIntervalSeconds: row.heartbeat_interval_seconds,
    infrastructurePid: row.infrastructure_pid,
    codeVersion: row.code_version ?? null,
    idempotencyKey: row.idempotency_key,
    scheduleId: row.schedule_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `task_runs` row as a TaskRun. */
export function taskRunFromRow(row: TaskRunTable): TaskRun {
  return {
    id: row.id,
    flowRunId: row.flow_run_id,
    name: row.name,
    taskKey: row.task_key,
    dynamicKey: row.dynamic_key,
    tags: fromJsonColumn(row.tags),
    inputs: fromJsonColumn(row.inputs),
    cacheKey: row.cache_key,
    cacheExpiration: row.cache_expiration,
    state: fromJsonColumn<State>(row.state),
    stateType: row.state_type as StateType,
    stateName: row.state_name as StateName,
    runCount: Number(row.run_count),
    retryPolicy: fromJsonColumn(row.retry_policy),
    expectedStartTime: row.expected_start_time,
    startTime: row.start_time,
    endTime: row.end_time,
    totalRunTimeMs: Number(row.total_run_time_ms),
    subflowRunId: row.subflow_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
