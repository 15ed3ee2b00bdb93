/**
 * The orchestration API: everything the SDK, workers, runners and the CLI ask of the system.
 *
 * Two implementations share this interface and one contract test suite:
 * - `InProcessClient` (src/client/in-process-client.ts): calls the service layer directly over
 *   the embedded SQLite file or PostgreSQL (the embedded default, no server needed);
 * - `HttpClient` (src/client/http-client.ts): calls a Weir server's REST API (`WEIR_API_URL`).
 *
 * Every method rejects with a `WeirError` (codes in src/core/error-codes.ts) on bad input,
 * unknown ids (NOT_FOUND) and refused transitions.
 */
import type {
  Page,
  UpsertFlowInput,
  CreateFlowRunInput,
  CreateDeploymentFlowRunInput,
  FlowRunFilter,
  PageRequest,
  ProposeStateInput,
  OrchestrationResult,
  TaskRunWrite,
  TaskRunFilter,
  LogInput,
  LogFilter,
  CreateArtifactInput,
  ArtifactFilter,
  CacheHit,
  UpsertDeploymentInput,
  ScheduleInput,
  UpdateDeploymentInput,
  CreateWorkPoolInput,
  UpdateWorkPoolInput,
  CreateWorkQueueInput,
  UpdateWorkQueueInput,
  WorkerHeartbeatInput,
  ClaimFlowRunsInput,
  CreateConcurrencyLimitInput,
  AcquireSlotsInput,
  DeploymentFilter,
} from "../core/api-types.js";
import type {
  Artifact,
  ConcurrencyLease,
  ConcurrencyLimit,
  Deployment,
  DeploymentSchedule,
  Flow,
  FlowRun,
  LogRecord,
  TaskRun,
  Variable,
  WeirEvent,
  Worker,
  WorkPool,
  WorkQueue,
} from "../core/models.js";
import type { State } from "../core/states.js";

export type * from "../core/api-types.js";

/** The orchestration API (see file header). */
export interface OrchestrationApi {
  // flows
  upsertFlow(input: UpsertFlowInput): Promise<Flow>;
  readFlow(idOrName: string): Promise<Flow>;
  listFlows(page?: PageRequest): Promise<Page<Flow>>;

  // flow runs
  createFlowRun(input: CreateFlowRunInput): Promise<FlowRun>;
  readFlowRun(id: string): Promise<FlowRun>;
  listFlowRuns(filter?: FlowRunFilter, page?: PageRequest): Promise<Page<FlowRun>>;
  countFlowRuns(filter?: FlowRunFilter): Promise<number>;
  /** Propose a new state; orchestration rules decide. */
  setFlowRunState(id: string, input: ProposeStateInput): Promise<OrchestrationResult>;
  readFlowRunStates(id: string): Promise<State[]>;
  /** Record that the executing process is alive; returns the run (its state tells about cancellation). */
  heartbeatFlowRun(id: string, input?: { infrastructurePid?: string; heartbeatIntervalSeconds?: number }): Promise<FlowRun>;
  /** Cancel: Scheduled/Pending/Paused → Cancelled, Running → Cancelling (the executor stops it). */
  cancelFlowRun(id: string): Promise<FlowRun>;
  /** Retry a terminal run: a new attempt Scheduled now (same id). */
  retryFlowRun(id: string): Promise<FlowRun>;
  /** Resume a Paused/Suspended run, with optional input. */
  resumeFlowRun(id: string, input?: Record<string, unknown>): Promise<FlowRun>;
  deleteFlowRun(id: string): Promise<void>;

  // task runs (batched writes)
  writeTaskRuns(writes: TaskRunWrite[]): Promise<void>;
  readTaskRun(id: string): Promise<TaskRun>;
  listTaskRuns(filter?: TaskRunFilter, page?: PageRequest): Promise<Page<TaskRun>>;
  readTaskRunStates(id: string): Promise<State[]>;
  /** The newest COMPLETED task run with this cache key that has not expired. */
  findCachedTaskRun(cacheKey: string, now?: string): Promise<CacheHit | null>;

  // logs
  appendLogs(logs: LogInput[]): Promise<void>;
  readLogs(filter: LogFilter): Promise<LogRecord[]>;

  // artifacts
  createArtifact(input: CreateArtifactInput): Promise<Artifact>;
  updateArtifact(id: string, patch: { data?: unknown; description?: string | null }): Promise<Artifact>;
  readArtifact(id: string): Promise<Artifact>;
  listArtifacts(filter?: ArtifactFilter, page?: PageRequest): Promise<Page<Artifact>>;

  // variables
  setVariable(name: string, value: unknown, tags?: string[]): Promise<Variable>;
  /** Returns null when unset. */
  getVariable(name: string): Promise<Variable | null>;
  listVariables(page?: PageRequest): Promise<Page<Variable>>;
  deleteVariable(name: string): Promise<void>;

  // concurrency limits
  createConcurrencyLimit(input: CreateConcurrencyLimitInput): Promise<ConcurrencyLimit>;
  listConcurrencyLimits(): Promise<ConcurrencyLimit[]>;
  readConcurrencyLimit(tag: string): Promise<ConcurrencyLimit>;
  deleteConcurrencyLimit(tag: string): Promise<void>;
  /** Returns a lease when every tag with a limit had a free slot, else null (nothing taken). */
  acquireConcurrencySlots(input: AcquireSlotsInput): Promise<ConcurrencyLease | null>;
  renewConcurrencyLease(leaseId: string, leaseSeconds?: number): Promise<void>;
  releaseConcurrencyLease(leaseId: string): Promise<void>;

  // deployments and schedules
  upsertDeployment(input: UpsertDeploymentInput): Promise<Deployment>;
  readDeployment(id: string): Promise<Deployment>;
  /** By `flowName/deploymentName`. */
  readDeploymentByName(fullName: string): Promise<Deployment>;
  listDeployments(filter?: DeploymentFilter, page?: PageRequest): Promise<Page<Deployment>>;
  updateDeployment(id: string, patch: UpdateDeploymentInput): Promise<Deployment>;
  deleteDeployment(id: string): Promise<void>;
  createDeploymentFlowRun(deploymentId: string, input?: CreateDeploymentFlowRunInput): Promise<FlowRun>;
  createDeploymentSchedule(deploymentId: string, input: ScheduleInput): Promise<DeploymentSchedule>;
  updateDeploymentSchedule(deploymentId: string, scheduleId: string, patch: Partial<ScheduleInput>): Promise<DeploymentSchedule>;
  deleteDeploymentSchedule(deploymentId: string, scheduleId: string): Promise<void>;

  // work pools, queues, workers
  createWorkPool(input: CreateWorkPoolInput): Promise<WorkPool>;
  readWorkPool(name: string): Promise<WorkPool>;
  listWorkPools(): Promise<WorkPool[]>;
  updateWorkPool(name: string, patch: UpdateWorkPoolInput): Promise<WorkPool>;
  deleteWorkPool(name: string): Promise<void>;
  createWorkQueue(input: CreateWorkQueueInput): Promise<WorkQueue>;
  readWorkQueue(workPoolName: string, name: string): Promise<WorkQueue>;
  listWorkQueues(workPoolName?: string): Promise<WorkQueue[]>;
  updateWorkQueue(workPoolName: string, name: string, patch: UpdateWorkQueueInput): Promise<WorkQueue>;
  deleteWorkQueue(workPoolName: string, name: string): Promise<void>;
  workerHeartbeat(input: WorkerHeartbeatInput): Promise<Worker>;
  listWorkers(workPoolName?: string): Promise<Worker[]>;
  claimFlowRuns(input: ClaimFlowRunsInput): Promise<FlowRun[]>;

  /**
   * Live changes (runs, states, logs, artifacts). Yields until the signal aborts.
   * In-process: from the service layer's event bus (and PostgreSQL NOTIFY); HTTP: from the SSE stream.
   */
  subscribe(signal: AbortSignal, filter?: { flowRunId?: string }): AsyncIterable<WeirEvent>;

  /** Release connections and timers. */
  close(): Promise<void>;
}
