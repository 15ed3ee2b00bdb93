/**
 * Domain records as the orchestration API exchanges them (JSON, camelCase, ISO-8601 UTC times).
 *
 * Glossary (DESIGN §1): a *flow* is a registered function; a *flow run* / *task run* is one
 * execution with a current state and a state history; a *deployment* binds a flow's entrypoint to
 * default parameters, schedules and a work pool/queue; a *work pool* holds *work queues* ordered
 * by priority, from which *workers* claim runs; an *artifact* is a record attached to a run.
 */
import type { CatchupPolicy, OverlapPolicy } from "./schedules/schedule-policies.js";
import type { State, StateName, StateType } from "./states.js";

/** JSON object of run parameters. */
export type Parameters = Record<string, unknown>;

/** A flow known to the system. Names are unique. */
export interface Flow {
  id: string;
  name: string;
  description: string | null;
  version: string | null;
  /** JSON Schema of the flow's parameters (from its zod / Standard Schema), for run forms. */
  parameterSchema: Record<string, unknown> | null;
  tags: string[];
  createdAt: string;
  updatedAt: string;
}

/** How a run retries after a failure. */
export interface RetryPolicy {
  /** @default 0 */
  retries: number;
  /** Delay before each retry, in seconds (the last value repeats). @default [0] */
  retryDelaySeconds: number[];
}

/** One execution of a flow. */
export interface FlowRun {
  id: string;
  name: string;
  flowId: string;
  flowName: string;
  deploymentId: string | null;
  deploymentName: string | null;
  /** Set when this is a subflow: the task-run-like link in the parent. */
  parentFlowRunId: string | null;
  parentTaskRunId: string | null;
  parameters: Parameters;
  tags: string[];
  state: State;
  stateType: StateType;
  stateName: StateName;
  /** How many attempts started (1 on the first Running). */
  runCount: number;
  retryPolicy: RetryPolicy;
  /** When it should start (schedule slot or creation time). */
  expectedStartTime: string;
  /** The next time the orchestrator expects it to move (AwaitingRetry, Paused timeout). */
  nextScheduledStartTime: string | null;
  startTime: string | null;
  endTime: string | null;
  /** Sum of time spent Running over all attempts, in milliseconds. */
  totalRunTimeMs: number;
  workPoolName: string | null;
  workQueueName: string | null;
  workerId: string | null;
  workerName: string | null;
  /** Last heartbeat from the process executing it. */
  heartbeatAt: string | null;
  /** Heartbeat interval the executor promised; crash detection waits 3 of these. */
  heartbeatIntervalSeconds: number | null;
  /** Pid and hostname of the executing process, for cancellation. */
  infrastructurePid: string | null;
  /** The code the run executed, as its worker pulled it (`git:<sha>`, `bundle:<sha256>`); null for code read in place. */
  codeVersion?: string | null;
  /** Unique per deployment, e.g. `scheduled:<scheduleId>:<slot ISO>`; repeats are ignored. */
  idempotencyKey: string | null;
  /** The schedule that created this run, if any. */
  scheduleId: string | null;
  /** The deployment version this run ran (or will run, while not started); null outside deployments or before versions. */
  deploymentVersion: number | null;
  /** Result of the final attempt (when persisted or inline). */
  createdAt: string;
  updatedAt: string;
}

/** One execution of a task (inside a flow run, or alone). */
export interface TaskRun {
  id: string;
  flowRunId: string | null;
  name: string;
  /** Stable key of the task function (its name), groups runs of the same task. */
  taskKey: string;
  /** Distinguishes several calls of the same task in one flow run ("0", "1", …). */
  dynamicKey: string;
  tags: string[];
  /** Short JSON summary of the inputs (for the UI), never the full data. */
  inputs: Record<string, unknown> | null;
  cacheKey: string | null;
  cacheExpiration: string | null;
  state: State;
  stateType: StateType;
  stateName: StateName;
  runCount: number;
  retryPolicy: RetryPolicy;
  expectedStartTime: string | null;
  startTime: string | null;
  endTime: string | null;
  totalRunTimeMs: number;
  /** When this task run is a subflow call, the child flow run. */
  subflowRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Log levels, numeric like Python's logging. */
export type LogLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";

/** Numeric rank of each level (for filtering). */
export const LOG_LEVEL_RANK: Readonly<Record<LogLevel, number>> = Object.freeze({
  DEBUG: 10,
  INFO: 20,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
});

/** One log line. `id` increases monotonically per database and serves as the read cursor. */
export interface LogRecord {
  id: number;
  flowRunId: string | null;
  taskRunId: string | null;
  workerId: string | null;
  level: LogLevel;
  /** Logger name, e.g. `weir.flow_runs`, `weir.task_runs`, `weir.worker`. */
  name: string;
  message: string;
  timestamp: string;
}

/** Artifact kinds. */
export type ArtifactType = "markdown" | "table" | "link" | "progress" | "image";

/** A record attached to a run for people to read. */
export interface Artifact {
  id: string;
  /** Optional stable key; artifacts with the same key form a history. */
  key: string | null;
  type: ArtifactType;
  description: string | null;
  /** markdown: string; table: row objects or {columns, rows}; link: {url, text}; progress: number 0..100; image: {url}. */
  data: unknown;
  flowRunId: string | null;
  taskRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A named JSON value shared across runs. */
export interface Variable {
  id: string;
  name: string;
  /** The value; for a secret variable always `"****"` (its value is read only inside runs). */
  value: unknown;
  tags: string[];
  /** Whether the value is secret: encrypted at rest, never returned, redacted from run logs. */
  isSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** A global concurrency limit on a tag: at most `limit` task runs holding it at once. */
export interface ConcurrencyLimit {
  id: string;
  tag: string;
  limit: number;
  /** Slots taken now (leases not yet released or expired). */
  activeSlots: number;
  createdAt: string;
}

/** A lease of one slot of each of some tags' limits. */
export interface ConcurrencyLease {
  id: string;
  tags: string[];
  holderId: string;
  expiresAt: string;
}

/** A cron, interval or RRULE schedule with its own time zone and parameters. */
export type ScheduleSpec =
  | { cron: string; timezone?: string; dayOr?: boolean }
  | { interval: number; anchorDate?: string; timezone?: string }
  | { rrule: string; timezone?: string };

/** A schedule attached to a deployment. */
export interface DeploymentSchedule {
  id: string;
  deploymentId: string;
  schedule: ScheduleSpec;
  /** Merged over the deployment's parameters for runs this schedule creates. */
  parameters: Parameters;
  isActive: boolean;
  /** This schedule's catch-up policy; null: the deployment's. */
  catchup: CatchupPolicy | null;
  /** Seconds back from now that `catchup: all` (or `latest`) reaches; null: the deployment's. */
  catchupWindow: number | null;
  /** This schedule's overlap policy; null: the deployment's. */
  overlap: OverlapPolicy | null;
  createdAt: string;
  updatedAt: string;
}

export type { CatchupPolicy, OverlapPolicy } from "./schedules/schedule-policies.js";

/** What happens to a new run when the deployment's concurrency limit is full. */
export type CollisionStrategy = "ENQUEUE" | "CANCEL_NEW";

/**
 * How a worker executes a deployment's runs: `process`, a fresh process per run; `pooled`, in one
 * of a pool of long-lived run processes that execute runs one after another; `inline`, in the
 * worker's own process (trusted, light flows; only on a worker that allows it).
 */
export type ExecutionMode = "process" | "pooled" | "inline";

/** Every execution mode. */
export const EXECUTION_MODES: readonly ExecutionMode[] = ["process", "pooled", "inline"];

/** A flow registered for scheduled and on-demand runs. */
export interface Deployment {
  id: string;
  name: string;
  flowId: string;
  flowName: string;
  description: string | null;
  version: string | null;
  /** `path/to/file.ts:exportName`, relative to `path` (the working directory of runs). */
  entrypoint: string;
  /** Working directory for runs (absolute, or relative to the worker's cwd). */
  path: string | null;
  parameters: Parameters;
  parameterSchema: Record<string, unknown> | null;
  tags: string[];
  workPoolName: string;
  workQueueName: string;
  isPaused: boolean;
  concurrencyLimit: number | null;
  collisionStrategy: CollisionStrategy;
  /** Slots missed while the scheduler was down: run none (`skip`), the most recent (`latest`) or all within `catchupWindow` (`all`). */
  catchup: CatchupPolicy;
  /** Seconds back from now that `catchup: all` reaches (and `latest`, when set); null: one day for `all`. */
  catchupWindow: number | null;
  /** A slot due while an earlier run is still active: `allow`, `skip`, `buffer-one` or `cancel-other`. */
  overlap: OverlapPolicy;
  schedules: DeploymentSchedule[];
  /** Environment variables for runs (never secrets in logs). */
  jobVariables: Record<string, unknown>;
  /** Where a worker gets the code (null: read in place at `path`, see CodePull). */
  pull?: CodePull | null;
  /** `served` deployments run in a `flow.serve()` runner, not through a pool. */
  isServed: boolean;
  /** How workers execute its runs; null: as the worker's `--execution` says. */
  execution?: ExecutionMode | null;
  /** The flow's retry policy, given to each run of the deployment (null: no retries). */
  retryPolicy?: RetryPolicy | null;
  /** The current version (src/core/deployment-versions.ts); null until one is recorded. */
  versionNumber: number | null;
  /** When a worker last claimed from the deployment's work queue, to within 5 s; null: never. */
  lastPolledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * Where a deployment's code comes from, fetched and cached by the worker before a run starts
 * (src/worker/code-pull.ts): a git repository at a commit, branch or tag (credentials from a
 * secret variable), or a bundle `weir deploy` packed and uploaded to the server (by content
 * hash). No pull (null) reads the code in place at the deployment's `path`.
 */
export type CodePull =
  | { kind: "git"; url: string; ref: string; credentialsSecret: string | null }
  | { kind: "bundle"; hash: string };

/** A pool of work queues that workers of one type poll. */
export interface WorkPool {
  id: string;
  name: string;
  type: string;
  description: string | null;
  isPaused: boolean;
  concurrencyLimit: number | null;
  createdAt: string;
  updatedAt: string;
}

/** A queue inside a pool; lower `priority` is served first (1 = highest). */
export interface WorkQueue {
  id: string;
  workPoolId: string;
  workPoolName: string;
  name: string;
  description: string | null;
  priority: number;
  concurrencyLimit: number | null;
  isPaused: boolean;
  /** When a worker last claimed from this queue, to within 5 s (claims record it at most that often); null: never. */
  lastPolledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Worker status as the API reports it. */
export type WorkerStatus = "ONLINE" | "OFFLINE";

/** A worker process that heartbeats against a pool. */
export interface Worker {
  id: string;
  name: string;
  workPoolName: string;
  status: WorkerStatus;
  lastHeartbeatAt: string;
  heartbeatIntervalSeconds: number;
  createdAt: string;
}

/** A change the live stream reports. */
export type WeirEvent =
  | { kind: "flow-run"; flowRun: FlowRun }
  | { kind: "task-run"; taskRun: TaskRun }
  | { kind: "logs"; logs: LogRecord[] }
  | { kind: "artifact"; artifact: Artifact }
  | { kind: "deployment"; deployment: Deployment }
  | { kind: "worker"; worker: Worker };

/**
 * Which live events a subscriber wants (`subscribe()`, `GET /api/events`). Every given condition
 * must hold. `workPoolName` and `stateTypes` keep only flow-run events (a worker listens for the
 * scheduled and cancelled runs of its pool, not for every change of every run).
 */
export interface LiveEventFilter {
  /** Only events about this flow run (its run, child runs, task runs, logs, artifacts). */
  flowRunId?: string;
  /** Only flow-run events of runs in this work pool. */
  workPoolName?: string;
  /** Only flow-run events of runs now in one of these state types. */
  stateTypes?: readonly StateType[];
}
