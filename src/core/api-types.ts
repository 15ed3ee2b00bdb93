/**
 * Inputs, filters and results of the orchestration API (src/client/orchestration-api.ts).
 * They live in core so that the service layer (src/orchestration) and the clients share them
 * without importing each other.
 */
import type {
  CodePull,
  ArtifactType,
  CatchupPolicy,
  CollisionStrategy,
  ExecutionMode,
  LogLevel,
  OverlapPolicy,
  Parameters,
  RetryPolicy,
  ScheduleSpec,
} from "./models.js";
import type { State, StateName, StateType } from "./states.js";

/** A page of results and the cursor for the next page (null at the end). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Register (or update by name) a flow. */
export interface UpsertFlowInput {
  name: string;
  description?: string | null;
  version?: string | null;
  parameterSchema?: Record<string, unknown> | null;
  tags?: string[];
}

/** Create a flow run directly (not from a deployment). */
export interface CreateFlowRunInput {
  /** Client-chosen id (lets the SDK start work before the write returns). */
  id?: string;
  flowName: string;
  name?: string;
  parameters?: Parameters;
  tags?: string[];
  parentFlowRunId?: string | null;
  parentTaskRunId?: string | null;
  retryPolicy?: Partial<RetryPolicy>;
  /** Initial state; default Pending (a run started by the SDK in this process). */
  state?: State;
}

/** Create a run of a deployment (from the CLI, the UI, `runDeployment()` or a schedule). */
export interface CreateDeploymentFlowRunInput {
  /** Merged over the deployment's default parameters, then validated against its schema. */
  parameters?: Parameters;
  tags?: string[];
  name?: string;
  /** When to start; default now. */
  scheduledTime?: string;
  /** A repeated key returns the existing run instead of creating another. */
  idempotencyKey?: string;
  workQueueName?: string;
  scheduleId?: string;
  parentFlowRunId?: string | null;
}

/** Filter for listing flow runs. All given fields must match. */
export interface FlowRunFilter {
  ids?: string[];
  stateTypes?: StateType[];
  stateNames?: StateName[];
  flowNames?: string[];
  deploymentIds?: string[];
  workPoolNames?: string[];
  workQueueNames?: string[];
  /** Runs that carry all these tags. */
  tags?: string[];
  parentFlowRunId?: string | null;
  /** Range over `expectedStartTime` (inclusive start, exclusive end). */
  startAfter?: string;
  startBefore?: string;
  /** Sort; default EXPECTED_START_TIME_DESC. */
  sort?: "EXPECTED_START_TIME_DESC" | "EXPECTED_START_TIME_ASC" | "CREATED_DESC";
}

/** Options of `setVariable`. */
export interface SetVariableOptions {
  /** Keep the value secret: encrypted at rest, shown as `****`, given in clear only to executing runs. @default the variable's current kind (plain for a new one) */
  isSecret?: boolean;
}

/** Paging: an opaque cursor from a previous page, and a limit (default 50, max 1000). */
export interface PageRequest {
  cursor?: string | null;
  limit?: number;
}

/** A proposed state change. */
export interface ProposeStateInput {
  state: State;
  /** Skip orchestration rules (admin and tests). @default false */
  force?: boolean;
  /** Repeating a proposal with the same transition id returns the first decision. */
  transitionId?: string;
  /**
   * Recorded with the state when it is accepted, as `heartbeatFlowRun` would record them: the
   * process that starts the run says who it is and how often it will beat, without a request
   * of its own.
   */
  heartbeat?: { infrastructurePid?: string; heartbeatIntervalSeconds?: number };
}

/** How the orchestrator answered a proposed state. */
export type OrchestrationStatus = "ACCEPT" | "REJECT" | "WAIT" | "ABORT";

/** The decision on a proposed state: the run's state afterwards and why. */
export interface OrchestrationResult {
  status: OrchestrationStatus;
  /** The run's current state after the decision (the proposed one when accepted, else the stored one or a substitute). */
  state: State;
  reason: string | null;
  /** For WAIT: retry the proposal after this many seconds. */
  retryAfterSeconds?: number;
}

/**
 * One batched write of a task run: create-or-update its row and append states to its history,
 * in order. The SDK buffers these and flushes them together.
 */
export interface TaskRunWrite {
  id: string;
  flowRunId: string | null;
  name: string;
  taskKey: string;
  dynamicKey: string;
  tags?: string[];
  inputs?: Record<string, unknown> | null;
  cacheKey?: string | null;
  cacheExpiration?: string | null;
  retryPolicy?: Partial<RetryPolicy>;
  subflowRunId?: string | null;
  /** New states in the order they happened; the last one becomes the current state. */
  states: State[];
}

/**
 * A task-run state the store refused (src/core/task-run-rules.ts): it and the later states of the
 * same write were not stored; the run's earlier states and the rest of the batch were.
 */
export interface TaskRunRefusal {
  taskRunId: string;
  flowRunId: string | null;
  /** The first refused state. */
  stateId: string;
  /** REJECT: the transition is not allowed; ABORT: the flow run is stopping, stop executing. */
  status: "REJECT" | "ABORT";
  reason: string;
  /** The flow run's state type when it caused an ABORT. */
  flowRunStateType?: StateType;
}

/** What `writeTaskRuns` answers: the refused states (an empty list when all were stored). */
export interface TaskRunWriteResult {
  refused: TaskRunRefusal[];
}

/**
 * How a retried flow run treats the task runs of its earlier attempts: `reuse` (the default)
 * returns the result of each task call that completed with the same inputs and code, `fresh`
 * runs every task again. With `fromTask`, that task and every task run started after its first
 * run in the previous attempt run again; the ones before it are reused.
 */
export interface RetryFlowRunOptions {
  /** @default "reuse" */
  mode?: "reuse" | "fresh";
  /** Task name (its key) to restart from. */
  fromTask?: string | null;
}

/** Filter for task runs. */
export interface TaskRunFilter {
  flowRunId?: string;
  stateTypes?: StateType[];
  taskKey?: string;
}

/** A log line to append (id and ordering assigned by the store). */
export interface LogInput {
  flowRunId?: string | null;
  taskRunId?: string | null;
  workerId?: string | null;
  level: LogLevel;
  name: string;
  message: string;
  timestamp: string;
}

/** Filter for reading logs; `afterId` is the cursor (logs with a greater id). */
export interface LogFilter {
  flowRunId?: string;
  taskRunId?: string;
  workerId?: string;
  minLevel?: LogLevel;
  afterId?: number;
  /** @default 1000 */
  limit?: number;
}

/** Create an artifact. */
export interface CreateArtifactInput {
  key?: string | null;
  type: ArtifactType;
  description?: string | null;
  data: unknown;
  flowRunId?: string | null;
  taskRunId?: string | null;
}

/** Filter for artifacts. */
export interface ArtifactFilter {
  flowRunId?: string;
  taskRunId?: string;
  key?: string;
  type?: ArtifactType;
}

/** A task's cached result, found by cache key. */
export interface CacheHit {
  taskRunId: string;
  state: State;
  expiresAt: string | null;
}

/** Create or replace a deployment (upsert by flow name + deployment name). */
export interface UpsertDeploymentInput {
  name: string;
  flowName: string;
  entrypoint: string;
  path?: string | null;
  description?: string | null;
  version?: string | null;
  parameters?: Parameters;
  parameterSchema?: Record<string, unknown> | null;
  tags?: string[];
  /** @default "default" */
  workPoolName?: string;
  /** @default "default" */
  workQueueName?: string;
  isPaused?: boolean;
  concurrencyLimit?: number | null;
  collisionStrategy?: CollisionStrategy;
  /** Slots missed while the scheduler was down. @default "skip" */
  catchup?: CatchupPolicy;
  /** How far back `catchup: all` (or `latest`) reaches: seconds, or text like "90m", "6h". @default null (one day for `all`) */
  catchupWindow?: number | string | null;
  /** A slot due while an earlier run of the deployment is still active. @default "allow" */
  overlap?: OverlapPolicy;
  /** Replaces all schedules of the deployment. */
  schedules?: ScheduleInput[];
  jobVariables?: Record<string, unknown>;
  /** Where workers get the code. @default null (read in place at `path`) */
  pull?: CodePull | null;
  isServed?: boolean;
  /** How workers execute its runs: process, pooled or inline. @default null (as the worker's `--execution` says) */
  execution?: ExecutionMode | null;
  /** The flow's retry policy, copied into each run of the deployment. @default none (no retries) */
  retryPolicy?: Partial<RetryPolicy> | null;
  /** sha256 (64 hex digits) of the entrypoint file, computed by the applying client; recorded in the deployment version. @default null */
  entrypointHash?: string | null;
}

/** Who makes a change to a deployment (recorded as the author of the version it makes). */
export interface DeploymentChangeOptions {
  /** A person's or program's name; sent as `X-Weir-Actor` over HTTP. @default the client's actor (`WEIR_ACTOR`, else the OS user) */
  author?: string;
}

/** A schedule to attach to a deployment. */
export interface ScheduleInput {
  schedule: ScheduleSpec;
  parameters?: Parameters;
  /** @default true */
  isActive?: boolean;
  /** Overrides the deployment's catch-up policy for this schedule. @default null (the deployment's) */
  catchup?: CatchupPolicy | null;
  /** Overrides the deployment's catch-up window: seconds, or text like "90m", "6h". @default null (the deployment's) */
  catchupWindow?: number | string | null;
  /** Overrides the deployment's overlap policy for this schedule. @default null (the deployment's) */
  overlap?: OverlapPolicy | null;
}

/** Patch of a deployment (pause/resume and simple fields). */
export interface UpdateDeploymentInput {
  description?: string | null;
  parameters?: Parameters;
  tags?: string[];
  isPaused?: boolean;
  concurrencyLimit?: number | null;
  workQueueName?: string;
  catchup?: CatchupPolicy;
  /** Seconds, or text like "90m", "6h"; null: none (one day for `all`). */
  catchupWindow?: number | string | null;
  overlap?: OverlapPolicy;
  /** How workers execute its runs; null: as the worker says. */
  execution?: ExecutionMode | null;
}

/** Create a work pool. */
export interface CreateWorkPoolInput {
  name: string;
  /** @default "process" */
  type?: string;
  description?: string | null;
  concurrencyLimit?: number | null;
  isPaused?: boolean;
}

/** Patch of a work pool. */
export interface UpdateWorkPoolInput {
  description?: string | null;
  concurrencyLimit?: number | null;
  isPaused?: boolean;
}

/** Create a work queue in a pool. */
export interface CreateWorkQueueInput {
  workPoolName: string;
  name: string;
  description?: string | null;
  /** @default 1 */
  priority?: number;
  concurrencyLimit?: number | null;
  isPaused?: boolean;
}

/** Patch of a work queue. */
export interface UpdateWorkQueueInput {
  description?: string | null;
  priority?: number;
  concurrencyLimit?: number | null;
  isPaused?: boolean;
}

/** A worker's heartbeat; creates the worker record on first call. */
export interface WorkerHeartbeatInput {
  workPoolName: string;
  name: string;
  /** @default 10 */
  heartbeatIntervalSeconds?: number;
}

/** Claim scheduled runs that are due. Claimed runs move Scheduled → Pending, once only. */
export interface ClaimFlowRunsInput {
  workPoolName: string;
  /** Queues to poll; default all queues of the pool, by priority. */
  workQueueNames?: string[];
  workerId: string;
  workerName?: string;
  /** How many to claim at most. */
  limit: number;
  /** Only runs whose expectedStartTime is before this; default now. */
  scheduledBefore?: string;
}

/** Create a tag concurrency limit. */
export interface CreateConcurrencyLimitInput {
  tag: string;
  limit: number;
}

/** Ask for one slot of each tag's limit, leased for some seconds. */
export interface AcquireSlotsInput {
  tags: string[];
  holderId: string;
  /** @default 60 */
  leaseSeconds?: number;
}

/** Filter for deployments. */
export interface DeploymentFilter {
  flowNames?: string[];
  workPoolNames?: string[];
  isServed?: boolean;
}

