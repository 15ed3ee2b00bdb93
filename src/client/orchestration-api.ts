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
import type { StoredResult, StoredResultPage } from "../core/stored-result.js";
import type { Automation, AutomationFiring } from "../core/automations/automation-models.js";
import type { AutomationInput } from "../core/automations/automation-spec.js";
import type { Backfill, BackfillInput, BackfillResult } from "../core/backfills.js";
import type { NotificationDelivery, NotificationDeliveryFilter } from "../core/notification-deliveries.js";
import type {
  Page,
  UpsertFlowInput,
  CreateFlowRunInput,
  CreateDeploymentFlowRunInput,
  FlowRunFilter,
  PageRequest,
  ProposeStateInput,
  RetryFlowRunOptions,
  OrchestrationResult,
  TaskRunWrite,
  TaskRunWriteResult,
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
  DeploymentChangeOptions,
  SetVariableOptions,
} from "../core/api-types.js";
import type { DeploymentVersion } from "../core/deployment-versions.js";
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
  LiveEventFilter,
  WeirEvent,
  Worker,
  WorkPool,
  WorkQueue,
} from "../core/models.js";
import type { State } from "../core/states.js";
import type { EventBatch, EventPage, ListEventsInput, ReadEventsAfterInput } from "../core/events.js";

export type * from "../core/api-types.js";

/** The orchestration API (see file header). */
export interface OrchestrationApi {
  // flows
  /** Create the flow with this name, or update its description and tags; returns it. */
  upsertFlow(input: UpsertFlowInput): Promise<Flow>;
  /** One flow by id or name (NOT_FOUND when there is none). */
  readFlow(idOrName: string): Promise<Flow>;
  /** Flows by name, a page at a time. */
  listFlows(page?: PageRequest): Promise<Page<Flow>>;

  // flow runs
  /** Create a flow run (Pending by default, or in the state given) and its flow if new. */
  createFlowRun(input: CreateFlowRunInput): Promise<FlowRun>;
  /** One flow run by id, with its current state. */
  readFlowRun(id: string): Promise<FlowRun>;
  /** Flow runs matching the filter, newest first unless the filter sorts otherwise, a page at a time. */
  listFlowRuns(filter?: FlowRunFilter, page?: PageRequest): Promise<Page<FlowRun>>;
  /** How many flow runs match the filter. */
  countFlowRuns(filter?: FlowRunFilter): Promise<number>;
  /** Propose a new state; orchestration rules decide. */
  setFlowRunState(id: string, input: ProposeStateInput): Promise<OrchestrationResult>;
  /** A flow run's state history, oldest first. */
  readFlowRunStates(id: string): Promise<State[]>;
  /** Record that the executing process is alive; returns the run (its state tells about cancellation). */
  heartbeatFlowRun(id: string, input?: { infrastructurePid?: string; codeVersion?: string; heartbeatIntervalSeconds?: number }): Promise<FlowRun>;
  /** Cancel: Scheduled/Pending/Paused → Cancelled, Running → Cancelling (the executor stops it). */
  cancelFlowRun(id: string): Promise<FlowRun>;
  /** Retry a terminal run: a new attempt Scheduled now (same id); by default finished task calls are reused (see RetryFlowRunOptions). */
  retryFlowRun(id: string, options?: RetryFlowRunOptions): Promise<FlowRun>;
  /** Resume a Paused/Suspended run, with optional input. */
  resumeFlowRun(id: string, input?: Record<string, unknown>): Promise<FlowRun>;
  /** Delete a flow run with its task runs, logs, artifacts and subflow links. */
  deleteFlowRun(id: string): Promise<void>;

  // task runs (batched writes)
  /** Create or update task runs and their states in one batch (the SDK's write buffer sends these); answers the refused states. */
  writeTaskRuns(writes: TaskRunWrite[]): Promise<TaskRunWriteResult>;
  /** One task run by id. */
  readTaskRun(id: string): Promise<TaskRun>;
  /** Task runs matching the filter, a page at a time. */
  listTaskRuns(filter?: TaskRunFilter, page?: PageRequest): Promise<Page<TaskRun>>;
  /** A task run's state history, oldest first. */
  readTaskRunStates(id: string): Promise<State[]>;
  /** The newest COMPLETED task run with this cache key that has not expired. */
  findCachedTaskRun(cacheKey: string, now?: string): Promise<CacheHit | null>;

  // logs
  /** Store log lines of flow and task runs. */
  appendLogs(logs: LogInput[]): Promise<void>;
  /** Log lines matching the filter, oldest first. */
  readLogs(filter: LogFilter): Promise<LogRecord[]>;

  // artifacts
  /** Attach a markdown, table, link, progress or image artifact to a run. */
  createArtifact(input: CreateArtifactInput): Promise<Artifact>;
  /** Change an artifact's data or description (a progress artifact's value, for instance). */
  updateArtifact(id: string, patch: { data?: unknown; description?: string | null }): Promise<Artifact>;
  /** One artifact by id. */
  readArtifact(id: string): Promise<Artifact>;
  /** Artifacts matching the filter, newest first, a page at a time. */
  listArtifacts(filter?: ArtifactFilter, page?: PageRequest): Promise<Page<Artifact>>;

  // variables
  /** Create or overwrite a variable (`options.isSecret` makes it a secret one). */
  setVariable(name: string, value: unknown, tags?: string[], options?: SetVariableOptions): Promise<Variable>;
  /** A variable's value in clear, for the executing run `runId` (a secret's value is given to nothing else). */
  readSecretVariable(name: string, runId: string): Promise<unknown>;
  /** Returns null when unset. */
  getVariable(name: string): Promise<Variable | null>;
  /** Variables by name, a page at a time. */
  listVariables(page?: PageRequest): Promise<Page<Variable>>;
  /** Delete a variable (no error when it does not exist). */
  deleteVariable(name: string): Promise<void>;

  // results (the `server` result store)
  /** Store a serialized result under a key (replacing one there); PAYLOAD_TOO_LARGE past the server's limit. */
  putResult(key: string, data: Uint8Array): Promise<StoredResult>;
  /** The bytes under a key; null when there are none. */
  readResult(key: string): Promise<Uint8Array | null>;
  /** Remove a stored result (no error when it does not exist). */
  deleteResult(key: string): Promise<void>;
  /** Stored results by key, a page at a time (`after`: the last key of the previous page). */
  listResults(query?: { after?: string; limit?: number }): Promise<StoredResultPage>;
  /** Which of these keys (at most 1000) some run's state still refers to (`weir storage prune` deletes the rest). */
  referencedResultKeys(keys: string[]): Promise<string[]>;

  // concurrency limits
  /** Create or change the concurrency limit of a tag (how many task runs with it may run at once). */
  createConcurrencyLimit(input: CreateConcurrencyLimitInput): Promise<ConcurrencyLimit>;
  /** Every tag concurrency limit, with its active slots. */
  listConcurrencyLimits(): Promise<ConcurrencyLimit[]>;
  /** One tag's concurrency limit. */
  readConcurrencyLimit(tag: string): Promise<ConcurrencyLimit>;
  /** Remove a tag's concurrency limit. */
  deleteConcurrencyLimit(tag: string): Promise<void>;
  /** Returns a lease when every tag with a limit had a free slot, else null (nothing taken). */
  acquireConcurrencySlots(input: AcquireSlotsInput): Promise<ConcurrencyLease | null>;
  /** Extend a lease so its slots stay held while the task runs. */
  renewConcurrencyLease(leaseId: string, leaseSeconds?: number): Promise<void>;
  /** Free a lease's slots. */
  releaseConcurrencyLease(leaseId: string): Promise<void>;

  // deployments and schedules
  /** Create the deployment `flowName/name`, or update it in place (schedules matched by their spec). */
  upsertDeployment(input: UpsertDeploymentInput, options?: DeploymentChangeOptions): Promise<Deployment>;
  /** One deployment by id. */
  readDeployment(id: string): Promise<Deployment>;
  /** By `flowName/deploymentName`. */
  readDeploymentByName(fullName: string): Promise<Deployment>;
  /** Deployments matching the filter, a page at a time. */
  listDeployments(filter?: DeploymentFilter, page?: PageRequest): Promise<Page<Deployment>>;
  /** Change some fields of a deployment (pause, parameters, limits, …). */
  updateDeployment(id: string, patch: UpdateDeploymentInput, options?: DeploymentChangeOptions): Promise<Deployment>;
  /** Delete a deployment; its runs still waiting to be claimed are cancelled. */
  deleteDeployment(id: string): Promise<void>;
  /** Create a run of a deployment now (or at a given time) with parameters over its defaults. */
  createDeploymentFlowRun(deploymentId: string, input?: CreateDeploymentFlowRunInput): Promise<FlowRun>;
  /** Add a schedule to a deployment. */
  createDeploymentSchedule(deploymentId: string, input: ScheduleInput, options?: DeploymentChangeOptions): Promise<DeploymentSchedule>;
  /** Change a schedule of a deployment (its spec, zone, parameters or active flag). */
  updateDeploymentSchedule(deploymentId: string, scheduleId: string, patch: Partial<ScheduleInput>, options?: DeploymentChangeOptions): Promise<DeploymentSchedule>;
  /** Remove a schedule from a deployment, with its future scheduled runs. */
  deleteDeploymentSchedule(deploymentId: string, scheduleId: string, options?: DeploymentChangeOptions): Promise<void>;
  /** A deployment's versions (one per change of its spec), newest first. */
  listDeploymentVersions(deploymentId: string, page?: PageRequest): Promise<Page<DeploymentVersion>>;
  /** One version of a deployment by number (1 is the first). */
  readDeploymentVersion(deploymentId: string, version: number): Promise<DeploymentVersion>;
  /** Apply a version's spec again as a new version (schedules still there keep their active flag); returns the deployment. */
  rollbackDeployment(deploymentId: string, version: number, options?: DeploymentChangeOptions): Promise<Deployment>;
  /** Make one run per slot of a deployment's active schedules in `[from, to)`, keyed like scheduled runs (or only list them, with `dryRun`). */
  backfillDeployment(deploymentId: string, input: BackfillInput): Promise<BackfillResult>;
  /** A deployment's backfills with their progress, newest first. */
  listBackfills(deploymentId: string): Promise<Backfill[]>;
  /** One backfill with its progress. */
  readBackfill(id: string): Promise<Backfill>;

  // work pools, queues, workers
  /** Create a work pool (with its `default` queue). */
  createWorkPool(input: CreateWorkPoolInput): Promise<WorkPool>;
  /** One work pool by name. */
  readWorkPool(name: string): Promise<WorkPool>;
  /** Every work pool. */
  listWorkPools(): Promise<WorkPool[]>;
  /** Change a work pool (pause, concurrency limit, description). */
  updateWorkPool(name: string, patch: UpdateWorkPoolInput): Promise<WorkPool>;
  /** Delete a work pool and its queues. */
  deleteWorkPool(name: string): Promise<void>;
  /** Create a queue in a work pool. */
  createWorkQueue(input: CreateWorkQueueInput): Promise<WorkQueue>;
  /** One queue of a work pool. */
  readWorkQueue(workPoolName: string, name: string): Promise<WorkQueue>;
  /** The queues of one pool, or of every pool, by priority. */
  listWorkQueues(workPoolName?: string): Promise<WorkQueue[]>;
  /** Change a queue (priority, pause, concurrency limit). */
  updateWorkQueue(workPoolName: string, name: string, patch: UpdateWorkQueueInput): Promise<WorkQueue>;
  /** Delete a queue that no deployment uses. */
  deleteWorkQueue(workPoolName: string, name: string): Promise<void>;
  /** Record that a worker is alive and polling its pool. */
  workerHeartbeat(input: WorkerHeartbeatInput): Promise<Worker>;
  /** Workers of one pool, or of every pool, with their status. */
  listWorkers(workPoolName?: string): Promise<Worker[]>;
  /** Claim due runs of a pool's queues for a worker, in priority order; each run is claimed once, ever. */
  claimFlowRuns(input: ClaimFlowRunsInput): Promise<FlowRun[]>;

  // notifications
  /** Notification deliveries (of automations and tests), newest first; secrets show as `****`. */
  listNotificationDeliveries(filter?: NotificationDeliveryFilter, page?: PageRequest): Promise<Page<NotificationDelivery>>;
  /** One notification delivery. */
  getNotificationDelivery(id: string): Promise<NotificationDelivery>;
  /** Send a notification action once now (a sample message, or the one about `flowRunId`) and return its recorded delivery. */
  testNotification(action: unknown, options?: { flowRunId?: string }): Promise<NotificationDelivery>;

  // stored events
  /** Stored events (run states, deployments, pools, workers, …) matching a filter, newest first, a page at a time. */
  listEvents(input?: ListEventsInput): Promise<EventPage>;
  /** Stored events after a follow cursor (`followCursor` of a listing, or `cursor` of the last read), oldest first; none given: from now on. */
  readEventsAfter(input?: ReadEventsAfterInput): Promise<EventBatch>;

  // automations
  /** Create an automation (a trigger and its actions); CONFLICT when the name is taken. */
  createAutomation(input: AutomationInput): Promise<Automation>;
  /** Replace an automation's form, by id or name (its firing history stays). */
  updateAutomation(idOrName: string, input: AutomationInput): Promise<Automation>;
  /** One automation by id or name. */
  readAutomation(idOrName: string): Promise<Automation>;
  /** Every automation, by name. */
  listAutomations(): Promise<Automation[]>;
  /** Enable (its trigger starts afresh) or disable an automation. */
  setAutomationEnabled(idOrName: string, isEnabled: boolean): Promise<Automation>;
  /** Delete an automation and its history. */
  deleteAutomation(idOrName: string): Promise<void>;
  /** An automation's firings, newest first (at most `limit`, default 50). */
  listAutomationFirings(idOrName: string, limit?: number): Promise<AutomationFiring[]>;
  /** Make a deployment's automations (weir.yaml `triggers:`) exactly these. */
  setDeploymentAutomations(deploymentId: string, inputs: AutomationInput[]): Promise<Automation[]>;

  /**
   * Live changes (runs, states, logs, artifacts). Yields until the signal aborts.
   * In-process: from the service layer's event bus (and PostgreSQL NOTIFY); HTTP: from the SSE stream.
   */
  subscribe(signal: AbortSignal, filter?: LiveEventFilter): AsyncIterable<WeirEvent>;

  /** Release connections and timers. */
  close(): Promise<void>;
}
