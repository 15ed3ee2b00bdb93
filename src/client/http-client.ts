/**
 * `HttpClient`: the orchestration API over a Weir server's REST API (docs/api.md).
 *
 * Errors in responses are rebuilt into the same `WeirError` the server raised. Calls that are
 * safe to repeat are retried on connection errors with a bounded exponential backoff; task-run
 * writes and logs are retried longer (a server restart must not lose a batch), within a bounded
 * number of buffered items.
 */
import type { StoredResult, StoredResultPage } from "../core/stored-result.js";
import type { Automation, AutomationFiring } from "../core/automations/automation-models.js";
import type { AutomationInput } from "../core/automations/automation-spec.js";
import type { Backfill, BackfillInput, BackfillResult } from "../core/backfills.js";
import type { NotificationDelivery, NotificationDeliveryFilter } from "../core/notification-deliveries.js";
import type {
  AcquireSlotsInput,
  ArtifactFilter,
  CacheHit,
  DeploymentChangeOptions,
  ClaimFlowRunsInput,
  CreateArtifactInput,
  CreateConcurrencyLimitInput,
  CreateDeploymentFlowRunInput,
  CreateFlowRunInput,
  CreateWorkPoolInput,
  CreateWorkQueueInput,
  DeploymentFilter,
  FlowRunFilter,
  LogFilter,
  LogInput,
  OrchestrationResult,
  Page,
  PageRequest,
  ProposeStateInput,
  RetryFlowRunOptions,
  ScheduleInput,
  TaskRunFilter,
  TaskRunWrite,
  TaskRunWriteResult,
  UpdateDeploymentInput,
  UpdateWorkPoolInput,
  UpdateWorkQueueInput,
  UpsertDeploymentInput,
  UpsertFlowInput,
  WorkerHeartbeatInput,
  SetVariableOptions,
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
  LiveEventFilter,
  WeirEvent,
  Worker,
  WorkPool,
  WorkQueue,
} from "../core/models.js";
import type { State } from "../core/states.js";
import type { EventBatch, EventPage, ListEventsInput, ReadEventsAfterInput, StoredEventFilter } from "../core/events.js";
import { WeirError } from "../core/weir-error.js";
import type { OrchestrationApi } from "./orchestration-api.js";
import { readServerSentEvents } from "./http-event-stream.js";
import { sendHttpRequest, type HttpRequest, type RetryBudget } from "./http-request.js";
import { flowRunFilterQuery, pageQuery, type QueryValues } from "./http-query.js";
import { RUN_ID_HEADER } from "../core/run-id-header.js";
import { ACTOR_HEADER, encodeActor } from "../core/actor.js";
import type { DeploymentVersion } from "../core/deployment-versions.js";
import type { TaskQueueApi } from "../core/task-queue.js";
import { TaskQueueHttp } from "./task-queue-http.js";
import { BufferedBatchSender } from "./buffered-batch-sender.js";
import { compileHttpClientOptions, type CompiledHttpClientOptions, type HttpClientOptions } from "./http-client-options.js";

// The options live in http-client-options.ts; every import of them from here keeps working.
export { compileHttpClientOptions, retryWindowFromEnvironment, type CompiledHttpClientOptions, type HttpClientOptions } from "./http-client-options.js";

const enc = encodeURIComponent;

/** The orchestration API over HTTP (see file header). */
export class HttpClient implements OrchestrationApi, TaskQueueApi {
  readonly options: CompiledHttpClientOptions;
  readonly #closed = new AbortController();
  readonly #taskQueue: TaskQueueHttp;
  // Task-run writes and logs (buffered-batch-sender.ts).
  readonly #bufferedBatches: BufferedBatchSender;

  constructor(options: HttpClientOptions) {
    this.options = compileHttpClientOptions(options);
    this.#taskQueue = new TaskQueueHttp((request, budget) => this.#call(request, budget), this.options.maxBatchBytes);
    this.#bufferedBatches = new BufferedBatchSender((request, budget) => this.#call(request, budget), this.options.maxBufferedItems, this.options.maxBatchBytes);
  }

  async #call<T>(request: HttpRequest, budget: RetryBudget = "idempotent"): Promise<T> {
    return (await sendHttpRequest(this.options, request, budget, this.#closed.signal)) as T;
  }

  // flows
  upsertFlow(input: UpsertFlowInput): Promise<Flow> {
    return this.#call({ method: "POST", path: "/flows", body: input });
  }
  readFlow(idOrName: string): Promise<Flow> {
    return this.#call({ method: "GET", path: `/flows/${enc(idOrName)}` });
  }
  listFlows(page?: PageRequest): Promise<Page<Flow>> {
    return this.#call({ method: "GET", path: "/flows", query: pageQuery(page) });
  }

  // flow runs
  createFlowRun(input: CreateFlowRunInput): Promise<FlowRun> {
    return this.#call({ method: "POST", path: "/flow-runs", body: input }, input.id ? "idempotent" : "once");
  }
  readFlowRun(id: string): Promise<FlowRun> {
    return this.#call({ method: "GET", path: `/flow-runs/${enc(id)}` });
  }
  listFlowRuns(filter?: FlowRunFilter, page?: PageRequest): Promise<Page<FlowRun>> {
    return this.#call({ method: "GET", path: "/flow-runs", query: { ...flowRunFilterQuery(filter), ...pageQuery(page) } });
  }
  async countFlowRuns(filter?: FlowRunFilter): Promise<number> {
    const body = await this.#call<{ count: number }>({ method: "GET", path: "/flow-runs/count", query: flowRunFilterQuery(filter) });
    return body.count;
  }
  setFlowRunState(id: string, input: ProposeStateInput): Promise<OrchestrationResult> {
    const budget = input.transitionId ? "idempotent" : "once";
    return this.#call({ method: "POST", path: `/flow-runs/${enc(id)}/set-state`, body: input }, budget);
  }
  async readFlowRunStates(id: string): Promise<State[]> {
    return (await this.#call<{ items: State[] }>({ method: "GET", path: `/flow-runs/${enc(id)}/states` })).items;
  }
  heartbeatFlowRun(id: string, input: { infrastructurePid?: string; codeVersion?: string; heartbeatIntervalSeconds?: number } = {}): Promise<FlowRun> {
    return this.#call({ method: "POST", path: `/flow-runs/${enc(id)}/heartbeat`, body: input });
  }
  cancelFlowRun(id: string): Promise<FlowRun> {
    return this.#call({ method: "POST", path: `/flow-runs/${enc(id)}/cancel`, body: {} });
  }
  retryFlowRun(id: string, options: RetryFlowRunOptions = {}): Promise<FlowRun> {
    return this.#call({ method: "POST", path: `/flow-runs/${enc(id)}/retry`, body: options }, "once");
  }
  resumeFlowRun(id: string, input?: Record<string, unknown>): Promise<FlowRun> {
    return this.#call({ method: "POST", path: `/flow-runs/${enc(id)}/resume`, body: input === undefined ? {} : { input } }, "once");
  }
  async deleteFlowRun(id: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/flow-runs/${enc(id)}` });
  }

  // task runs
  async writeTaskRuns(writes: TaskRunWrite[]): Promise<TaskRunWriteResult> {
    const answers = await this.#bufferedBatches.sendItems("/task-runs/batch", "writes", writes);
    // A server before task-run rules answered 204 (no body): nothing refused.
    const refused = answers.flatMap((answer) => (answer as Partial<TaskRunWriteResult> | undefined)?.refused ?? []);
    return { refused };
  }
  readTaskRun(id: string): Promise<TaskRun> {
    return this.#call({ method: "GET", path: `/task-runs/${enc(id)}` });
  }
  listTaskRuns(filter: TaskRunFilter = {}, page?: PageRequest): Promise<Page<TaskRun>> {
    const query: QueryValues = { flowRunId: filter.flowRunId, stateType: filter.stateTypes, taskKey: filter.taskKey };
    return this.#call({ method: "GET", path: "/task-runs", query: { ...query, ...pageQuery(page) } });
  }
  async readTaskRunStates(id: string): Promise<State[]> {
    return (await this.#call<{ items: State[] }>({ method: "GET", path: `/task-runs/${enc(id)}/states` })).items;
  }
  async findCachedTaskRun(cacheKey: string, now?: string): Promise<CacheHit | null> {
    try {
      return await this.#call<CacheHit>({ method: "GET", path: `/task-runs/cache/${enc(cacheKey)}`, query: { now } });
    } catch (error) {
      if (error instanceof WeirError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }

  // logs
  async appendLogs(logs: LogInput[]): Promise<void> {
    await this.#bufferedBatches.sendItems("/logs", "logs", logs);
  }
  async readLogs(filter: LogFilter): Promise<LogRecord[]> {
    const query: QueryValues = { ...filter };
    return (await this.#call<{ items: LogRecord[] }>({ method: "GET", path: "/logs", query })).items;
  }

  // artifacts
  createArtifact(input: CreateArtifactInput): Promise<Artifact> {
    return this.#call({ method: "POST", path: "/artifacts", body: input }, "once");
  }
  updateArtifact(id: string, patch: { data?: unknown; description?: string | null }): Promise<Artifact> {
    return this.#call({ method: "PATCH", path: `/artifacts/${enc(id)}`, body: patch });
  }
  readArtifact(id: string): Promise<Artifact> {
    return this.#call({ method: "GET", path: `/artifacts/${enc(id)}` });
  }
  listArtifacts(filter: ArtifactFilter = {}, page?: PageRequest): Promise<Page<Artifact>> {
    return this.#call({ method: "GET", path: "/artifacts", query: { ...filter, ...pageQuery(page) } });
  }

  // variables
  setVariable(name: string, value: unknown, tags?: string[], options: SetVariableOptions = {}): Promise<Variable> {
    const body = { value, ...(tags ? { tags } : {}), ...(options.isSecret === undefined ? {} : { isSecret: options.isSecret }) };
    return this.#call({ method: "PUT", path: `/variables/${enc(name)}`, body });
  }
  async readSecretVariable(name: string, runId: string): Promise<unknown> {
    // A header no browser page can send (its name begins with `Sec-`): see variable-routes.ts.
    const answer = await this.#call<{ value: unknown }>({ method: "GET", path: `/variables/${enc(name)}/value`, headers: { [RUN_ID_HEADER]: runId } });
    return answer.value;
  }
  async getVariable(name: string): Promise<Variable | null> {
    try {
      return await this.#call<Variable>({ method: "GET", path: `/variables/${enc(name)}` });
    } catch (error) {
      if (error instanceof WeirError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }
  listVariables(page?: PageRequest): Promise<Page<Variable>> {
    return this.#call({ method: "GET", path: "/variables", query: pageQuery(page) });
  }
  async deleteVariable(name: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/variables/${enc(name)}` });
  }

  // results: bytes travel as base64 in JSON
  async putResult(key: string, data: Uint8Array): Promise<StoredResult> {
    const base64 = Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64");
    return this.#call({ method: "PUT", path: `/results/${enc(key)}`, bodyText: `{"data":"${base64}"}` });
  }
  async readResult(key: string): Promise<Uint8Array | null> {
    try {
      const answer = await this.#call<{ data: string }>({ method: "GET", path: `/results/${enc(key)}` });
      return Buffer.from(answer.data, "base64");
    } catch (error) {
      if (error instanceof WeirError && error.code === "NOT_FOUND") return null;
      throw error;
    }
  }
  async deleteResult(key: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/results/${enc(key)}` });
  }
  listResults(query: { after?: string; limit?: number } = {}): Promise<StoredResultPage> {
    return this.#call({ method: "GET", path: "/results", query });
  }
  async referencedResultKeys(keys: string[]): Promise<string[]> {
    return (await this.#call<{ keys: string[] }>({ method: "POST", path: "/results/referenced", body: { keys } })).keys;
  }

  // task queues (src/client/task-queue-http.ts)
  enqueueTaskRuns: TaskQueueApi["enqueueTaskRuns"] = (items) => this.#taskQueue.enqueueTaskRuns(items);
  claimTaskRuns: TaskQueueApi["claimTaskRuns"] = (input) => this.#taskQueue.claimTaskRuns(input);
  renewTaskRunLeases: TaskQueueApi["renewTaskRunLeases"] = (workerName, ids, leaseSeconds) => this.#taskQueue.renewTaskRunLeases(workerName, ids, leaseSeconds);
  completeTaskRuns: TaskQueueApi["completeTaskRuns"] = (outcomes) => this.#taskQueue.completeTaskRuns(outcomes);
  takeFinishedTaskRuns: TaskQueueApi["takeFinishedTaskRuns"] = (owner, limit) => this.#taskQueue.takeFinishedTaskRuns(owner, limit);
  readFinishedTaskRuns: TaskQueueApi["readFinishedTaskRuns"] = (owner, limit) => this.#taskQueue.readFinishedTaskRuns(owner, limit);
  deleteFinishedTaskRuns: TaskQueueApi["deleteFinishedTaskRuns"] = (owner, ids) => this.#taskQueue.deleteFinishedTaskRuns(owner, ids);
  withdrawTaskRuns: TaskQueueApi["withdrawTaskRuns"] = (ids) => this.#taskQueue.withdrawTaskRuns(ids);
  countTaskQueue: TaskQueueApi["countTaskQueue"] = (queue) => this.#taskQueue.countTaskQueue(queue);

  // concurrency limits
  createConcurrencyLimit(input: CreateConcurrencyLimitInput): Promise<ConcurrencyLimit> {
    return this.#call({ method: "POST", path: "/concurrency-limits", body: input }, "once");
  }
  async listConcurrencyLimits(): Promise<ConcurrencyLimit[]> {
    return (await this.#call<{ items: ConcurrencyLimit[] }>({ method: "GET", path: "/concurrency-limits" })).items;
  }
  readConcurrencyLimit(tag: string): Promise<ConcurrencyLimit> {
    return this.#call({ method: "GET", path: `/concurrency-limits/${enc(tag)}` });
  }
  async deleteConcurrencyLimit(tag: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/concurrency-limits/${enc(tag)}` });
  }
  acquireConcurrencySlots(input: AcquireSlotsInput): Promise<ConcurrencyLease | null> {
    return this.#call({ method: "POST", path: "/concurrency-limits/acquire", body: input }, "once");
  }
  async renewConcurrencyLease(leaseId: string, leaseSeconds?: number): Promise<void> {
    const body = leaseSeconds === undefined ? {} : { leaseSeconds };
    await this.#call({ method: "POST", path: `/concurrency-leases/${enc(leaseId)}/renew`, body });
  }
  async releaseConcurrencyLease(leaseId: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/concurrency-leases/${enc(leaseId)}` });
  }

  // deployments and schedules
  // The header that names who makes a deployment change.
  #actorHeaders(options: DeploymentChangeOptions | undefined): Record<string, string> {
    return { [ACTOR_HEADER]: encodeActor(options?.author ?? this.options.actor) };
  }
  upsertDeployment(input: UpsertDeploymentInput, options?: DeploymentChangeOptions): Promise<Deployment> {
    return this.#call({ method: "POST", path: "/deployments", body: input, headers: this.#actorHeaders(options) });
  }
  readDeployment(id: string): Promise<Deployment> {
    return this.#call({ method: "GET", path: `/deployments/${enc(id)}` });
  }
  readDeploymentByName(fullName: string): Promise<Deployment> {
    const slash = fullName.indexOf("/");
    if (slash < 0) {
      return Promise.reject(WeirError.validation("deployment name", [{ path: "fullName", message: "expected 'flowName/deploymentName'" }]));
    }
    const path = `/deployments/name/${enc(fullName.slice(0, slash))}/${enc(fullName.slice(slash + 1))}`;
    return this.#call({ method: "GET", path });
  }
  listDeployments(filter: DeploymentFilter = {}, page?: PageRequest): Promise<Page<Deployment>> {
    const query: QueryValues = { flowName: filter.flowNames, workPoolName: filter.workPoolNames, isServed: filter.isServed };
    return this.#call({ method: "GET", path: "/deployments", query: { ...query, ...pageQuery(page) } });
  }
  updateDeployment(id: string, patch: UpdateDeploymentInput, options?: DeploymentChangeOptions): Promise<Deployment> {
    return this.#call({ method: "PATCH", path: `/deployments/${enc(id)}`, body: patch, headers: this.#actorHeaders(options) });
  }
  async deleteDeployment(id: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/deployments/${enc(id)}` });
  }
  createDeploymentFlowRun(deploymentId: string, input: CreateDeploymentFlowRunInput = {}): Promise<FlowRun> {
    const budget = input.idempotencyKey ? "idempotent" : "once";
    return this.#call({ method: "POST", path: `/deployments/${enc(deploymentId)}/runs`, body: input }, budget);
  }
  createDeploymentSchedule(deploymentId: string, input: ScheduleInput, options?: DeploymentChangeOptions): Promise<DeploymentSchedule> {
    return this.#call({ method: "POST", path: `/deployments/${enc(deploymentId)}/schedules`, body: input, headers: this.#actorHeaders(options) }, "once");
  }
  updateDeploymentSchedule(deploymentId: string, scheduleId: string, patch: Partial<ScheduleInput>, options?: DeploymentChangeOptions): Promise<DeploymentSchedule> {
    return this.#call({ method: "PATCH", path: `/deployments/${enc(deploymentId)}/schedules/${enc(scheduleId)}`, body: patch, headers: this.#actorHeaders(options) });
  }
  async deleteDeploymentSchedule(deploymentId: string, scheduleId: string, options?: DeploymentChangeOptions): Promise<void> {
    await this.#call({ method: "DELETE", path: `/deployments/${enc(deploymentId)}/schedules/${enc(scheduleId)}`, headers: this.#actorHeaders(options) });
  }
  listDeploymentVersions(deploymentId: string, page?: PageRequest): Promise<Page<DeploymentVersion>> {
    return this.#call({ method: "GET", path: `/deployments/${enc(deploymentId)}/versions`, query: pageQuery(page) });
  }
  readDeploymentVersion(deploymentId: string, version: number): Promise<DeploymentVersion> {
    return this.#call({ method: "GET", path: `/deployments/${enc(deploymentId)}/versions/${enc(String(version))}` });
  }
  rollbackDeployment(deploymentId: string, version: number, options?: DeploymentChangeOptions): Promise<Deployment> {
    // Rolling back to the same version twice changes nothing the second time: safe to repeat.
    return this.#call({ method: "POST", path: `/deployments/${enc(deploymentId)}/versions/${enc(String(version))}/rollback`, body: {}, headers: this.#actorHeaders(options) });
  }
  backfillDeployment(deploymentId: string, input: BackfillInput): Promise<BackfillResult> {
    // Repeating a backfill creates nothing new (slots are keyed), so a retry is safe.
    return this.#call({ method: "POST", path: `/deployments/${enc(deploymentId)}/backfill`, body: input }, "idempotent");
  }
  async listBackfills(deploymentId: string): Promise<Backfill[]> {
    return (await this.#call<{ items: Backfill[] }>({ method: "GET", path: `/deployments/${enc(deploymentId)}/backfills` })).items;
  }
  readBackfill(id: string): Promise<Backfill> {
    return this.#call({ method: "GET", path: `/backfills/${enc(id)}` });
  }

  // notifications
  listNotificationDeliveries(filter: NotificationDeliveryFilter = {}, page?: PageRequest): Promise<Page<NotificationDelivery>> {
    return this.#call({ method: "GET", path: "/notifications", query: { status: filter.status, automationId: filter.automationId, ...pageQuery(page) } });
  }
  getNotificationDelivery(id: string): Promise<NotificationDelivery> {
    return this.#call({ method: "GET", path: `/notifications/${enc(id)}` });
  }
  testNotification(action: unknown, options: { flowRunId?: string } = {}): Promise<NotificationDelivery> {
    // Sent once: a retry would send a second notification.
    return this.#call({ method: "POST", path: "/notifications/test", body: { action, ...(options.flowRunId === undefined ? {} : { flowRunId: options.flowRunId }) } }, "once");
  }

  // automations
  createAutomation(input: AutomationInput): Promise<Automation> {
    return this.#call({ method: "POST", path: "/automations", body: input });
  }
  updateAutomation(idOrName: string, input: AutomationInput): Promise<Automation> {
    return this.#call({ method: "PUT", path: `/automations/${enc(idOrName)}`, body: input }, "idempotent");
  }
  readAutomation(idOrName: string): Promise<Automation> {
    return this.#call({ method: "GET", path: `/automations/${enc(idOrName)}` });
  }
  async listAutomations(): Promise<Automation[]> {
    return (await this.#call<{ items: Automation[] }>({ method: "GET", path: "/automations" })).items;
  }
  setAutomationEnabled(idOrName: string, isEnabled: boolean): Promise<Automation> {
    return this.#call({ method: "PATCH", path: `/automations/${enc(idOrName)}`, body: { isEnabled } }, "idempotent");
  }
  async deleteAutomation(idOrName: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/automations/${enc(idOrName)}` });
  }
  async listAutomationFirings(idOrName: string, limit?: number): Promise<AutomationFiring[]> {
    const query = limit === undefined ? {} : { limit: String(limit) };
    return (await this.#call<{ items: AutomationFiring[] }>({ method: "GET", path: `/automations/${enc(idOrName)}/firings`, query })).items;
  }
  async setDeploymentAutomations(deploymentId: string, inputs: AutomationInput[]): Promise<Automation[]> {
    return (await this.#call<{ items: Automation[] }>({ method: "PUT", path: `/deployments/${enc(deploymentId)}/automations`, body: { automations: inputs } }, "idempotent")).items;
  }

  // work pools, queues, workers
  createWorkPool(input: CreateWorkPoolInput): Promise<WorkPool> {
    return this.#call({ method: "POST", path: "/work-pools", body: input }, "once");
  }
  readWorkPool(name: string): Promise<WorkPool> {
    return this.#call({ method: "GET", path: `/work-pools/${enc(name)}` });
  }
  async listWorkPools(): Promise<WorkPool[]> {
    return (await this.#call<{ items: WorkPool[] }>({ method: "GET", path: "/work-pools" })).items;
  }
  updateWorkPool(name: string, patch: UpdateWorkPoolInput): Promise<WorkPool> {
    return this.#call({ method: "PATCH", path: `/work-pools/${enc(name)}`, body: patch });
  }
  async deleteWorkPool(name: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/work-pools/${enc(name)}` });
  }
  createWorkQueue(input: CreateWorkQueueInput): Promise<WorkQueue> {
    const { workPoolName, ...body } = input;
    return this.#call({ method: "POST", path: `/work-pools/${enc(workPoolName)}/queues`, body }, "once");
  }
  readWorkQueue(workPoolName: string, name: string): Promise<WorkQueue> {
    return this.#call({ method: "GET", path: `/work-pools/${enc(workPoolName)}/queues/${enc(name)}` });
  }
  async listWorkQueues(workPoolName?: string): Promise<WorkQueue[]> {
    const path = workPoolName === undefined ? "/work-queues" : `/work-pools/${enc(workPoolName)}/queues`;
    return (await this.#call<{ items: WorkQueue[] }>({ method: "GET", path })).items;
  }
  updateWorkQueue(workPoolName: string, name: string, patch: UpdateWorkQueueInput): Promise<WorkQueue> {
    return this.#call({ method: "PATCH", path: `/work-pools/${enc(workPoolName)}/queues/${enc(name)}`, body: patch });
  }
  async deleteWorkQueue(workPoolName: string, name: string): Promise<void> {
    await this.#call({ method: "DELETE", path: `/work-pools/${enc(workPoolName)}/queues/${enc(name)}` });
  }
  workerHeartbeat(input: WorkerHeartbeatInput): Promise<Worker> {
    const { workPoolName, ...body } = input;
    return this.#call({ method: "POST", path: `/work-pools/${enc(workPoolName)}/workers/heartbeat`, body });
  }
  async listWorkers(workPoolName?: string): Promise<Worker[]> {
    const path = workPoolName === undefined ? "/workers" : `/work-pools/${enc(workPoolName)}/workers`;
    return (await this.#call<{ items: Worker[] }>({ method: "GET", path })).items;
  }
  async claimFlowRuns(input: ClaimFlowRunsInput): Promise<FlowRun[]> {
    const { workPoolName, ...body } = input;
    const path = `/work-pools/${enc(workPoolName)}/claim`;
    return (await this.#call<{ items: FlowRun[] }>({ method: "POST", path, body }, "once")).items;
  }

  // stored events
  listEvents(input: ListEventsInput = {}): Promise<EventPage> {
    return this.#call({ method: "GET", path: "/events/feed", query: { ...storedEventFilterQuery(input), limit: input.limit, cursor: input.cursor ?? undefined } });
  }
  async readEventsAfter(input: ReadEventsAfterInput = {}): Promise<EventBatch> {
    const query = { ...storedEventFilterQuery(input), limit: input.limit, after: input.after ?? "" };
    const page = await this.#call<EventPage>({ method: "GET", path: "/events/feed", query });
    return { events: page.events, cursor: page.followCursor };
  }

  /** Live changes from `GET /api/events` (Server-Sent Events); reconnects until the signal aborts. */
  subscribe(signal: AbortSignal, filter: LiveEventFilter = {}): AsyncIterable<WeirEvent> {
    const query = new URLSearchParams();
    if (filter.flowRunId !== undefined) query.set("flowRunId", filter.flowRunId);
    if (filter.workPoolName !== undefined) query.set("workPool", filter.workPoolName);
    if (filter.stateTypes !== undefined) query.set("stateType", filter.stateTypes.join(","));
    const search = query.size === 0 ? "" : `?${query.toString()}`;
    return readServerSentEvents<WeirEvent>(this.options, `${this.options.baseUrl}/events${search}`, signal);
  }

  /** Stops retries in progress; nothing else to release (fetch keeps no state here). */
  async close(): Promise<void> {
    this.#closed.abort();
  }
}

// Query values of a stored-event filter (singular names, comma-separated lists).
function storedEventFilterQuery(filter: StoredEventFilter): QueryValues {
  return { event: filter.events, resource: filter.resourceId, related: filter.related, tag: filter.tags, since: filter.since, until: filter.until };
}
