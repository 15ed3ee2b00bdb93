/**
 * The orchestration API in this process: calls the service layer directly over the embedded
 * SQLite file (or PostgreSQL), no server needed. The database opens on first use (migrations
 * run then); `subscribe()` listens to the service layer's event bus, so it sees the changes made
 * through this client (and its server, when one shares the same OpenedOrchestration).
 */
import type { Clock } from "../core/clock.js";
import type { LiveEventFilter, WeirEvent } from "../core/models.js";
import type { OpenedOrchestration, Orchestration } from "../orchestration/create-orchestration.js";
import type { DeploymentChangeOptions, OrchestrationApi } from "./orchestration-api.js";
import { defaultActor } from "./settings.js";
import type { TaskQueueApi } from "../core/task-queue.js";

type Api = OrchestrationApi;

/** How to build an in-process client: a database to open, or an already opened service layer. */
export type InProcessClientOptions = (
  | { databaseUrl: string; /** @default systemClock */ clock?: Clock }
  | { opened: OpenedOrchestration; /** Close `opened` when the client closes. @default false */ isOwner?: boolean }
) & {
  /** Who this client's deployment changes are made by. @default WEIR_ACTOR, else the OS user */
  actor?: string;
};

/** `OrchestrationApi` over the service layer in this process. */
export class InProcessClient implements OrchestrationApi, TaskQueueApi {
  private readonly ready: Promise<OpenedOrchestration>;
  private readonly isOwner: boolean;
  private isClosed = false;
  private readonly actor: string;

  constructor(options: InProcessClientOptions) {
    this.actor = options.actor ?? defaultActor();
    if ("opened" in options) {
      this.ready = Promise.resolve(options.opened);
      this.isOwner = options.isOwner ?? false;
    } else {
      // Imported on first use: a process that talks HTTP (a worker's run child) never loads the
      // service layer, Kysely or a database driver.
      const { databaseUrl, clock } = options;
      this.ready = import("../orchestration/create-orchestration.js").then(({ openOrchestration }) => openOrchestration({ databaseUrl, ...(clock ? { clock } : {}) }));
      // A failed open is reported by the first call; never as an unhandled rejection.
      this.ready.catch(() => {});
      this.isOwner = true;
    }
  }

  /** Open the database now (instead of on first use) and return the client. */
  static async open(options: InProcessClientOptions): Promise<InProcessClient> {
    const client = new InProcessClient(options);
    await client.ready;
    return client;
  }

  /** The opened service layer (for runners that share it with a server). */
  opened(): Promise<OpenedOrchestration> {
    return this.ready;
  }

  // The author of a change: the one given, else this process's actor (WEIR_ACTOR or the OS user).
  private changeOptions(options: DeploymentChangeOptions | undefined): DeploymentChangeOptions {
    return { author: options?.author ?? this.actor };
  }

  private async call<T>(fn: (orchestration: Orchestration) => Promise<T>): Promise<T> {
    return fn((await this.ready).orchestration);
  }

  // flows
  upsertFlow: Api["upsertFlow"] = (input) => this.call((o) => o.upsertFlow(input));
  readFlow: Api["readFlow"] = (idOrName) => this.call((o) => o.readFlow(idOrName));
  listFlows: Api["listFlows"] = (page) => this.call((o) => o.listFlows(page));

  // flow runs
  createFlowRun: Api["createFlowRun"] = (input) => this.call((o) => o.createFlowRun(input));
  readFlowRun: Api["readFlowRun"] = (id) => this.call((o) => o.readFlowRun(id));
  listFlowRuns: Api["listFlowRuns"] = (filter, page) => this.call((o) => o.listFlowRuns(filter, page));
  countFlowRuns: Api["countFlowRuns"] = (filter) => this.call((o) => o.countFlowRuns(filter));
  setFlowRunState: Api["setFlowRunState"] = (id, input) => this.call((o) => o.setFlowRunState(id, input));
  readFlowRunStates: Api["readFlowRunStates"] = (id) => this.call((o) => o.readFlowRunStates(id));
  heartbeatFlowRun: Api["heartbeatFlowRun"] = (id, input) => this.call((o) => o.heartbeatFlowRun(id, input));
  cancelFlowRun: Api["cancelFlowRun"] = (id) => this.call((o) => o.cancelFlowRun(id));
  retryFlowRun: Api["retryFlowRun"] = (id, options) => this.call((o) => o.retryFlowRun(id, options));
  resumeFlowRun: Api["resumeFlowRun"] = (id, input) => this.call((o) => o.resumeFlowRun(id, input));
  deleteFlowRun: Api["deleteFlowRun"] = (id) => this.call((o) => o.deleteFlowRun(id));

  // task runs
  writeTaskRuns: Api["writeTaskRuns"] = (writes) => this.call((o) => o.writeTaskRuns(writes));
  readTaskRun: Api["readTaskRun"] = (id) => this.call((o) => o.readTaskRun(id));
  listTaskRuns: Api["listTaskRuns"] = (filter, page) => this.call((o) => o.listTaskRuns(filter, page));
  readTaskRunStates: Api["readTaskRunStates"] = (id) => this.call((o) => o.readTaskRunStates(id));
  findCachedTaskRun: Api["findCachedTaskRun"] = (cacheKey, now) => this.call((o) => o.findCachedTaskRun(cacheKey, now));

  // logs
  enqueueTaskRuns: TaskQueueApi["enqueueTaskRuns"] = (items) => this.call((o) => o.enqueueTaskRuns(items));
  claimTaskRuns: TaskQueueApi["claimTaskRuns"] = (input) => this.call((o) => o.claimTaskRuns(input));
  renewTaskRunLeases: TaskQueueApi["renewTaskRunLeases"] = (workerName, ids, leaseSeconds) => this.call((o) => o.renewTaskRunLeases(workerName, ids, leaseSeconds));
  completeTaskRuns: TaskQueueApi["completeTaskRuns"] = (outcomes) => this.call((o) => o.completeTaskRuns(outcomes));
  takeFinishedTaskRuns: TaskQueueApi["takeFinishedTaskRuns"] = (owner, limit) => this.call((o) => o.takeFinishedTaskRuns(owner, limit));
  readFinishedTaskRuns: TaskQueueApi["readFinishedTaskRuns"] = (owner, limit) => this.call((o) => o.readFinishedTaskRuns(owner, limit));
  deleteFinishedTaskRuns: TaskQueueApi["deleteFinishedTaskRuns"] = (owner, ids) => this.call((o) => o.deleteFinishedTaskRuns(owner, ids));
  withdrawTaskRuns: TaskQueueApi["withdrawTaskRuns"] = (ids) => this.call((o) => o.withdrawTaskRuns(ids));
  countTaskQueue: TaskQueueApi["countTaskQueue"] = (queue) => this.call((o) => o.countTaskQueue(queue));

  appendLogs: Api["appendLogs"] = (logs) => this.call((o) => o.appendLogs(logs));
  readLogs: Api["readLogs"] = (filter) => this.call((o) => o.readLogs(filter));

  // artifacts
  createArtifact: Api["createArtifact"] = (input) => this.call((o) => o.createArtifact(input));
  updateArtifact: Api["updateArtifact"] = (id, patch) => this.call((o) => o.updateArtifact(id, patch));
  readArtifact: Api["readArtifact"] = (id) => this.call((o) => o.readArtifact(id));
  listArtifacts: Api["listArtifacts"] = (filter, page) => this.call((o) => o.listArtifacts(filter, page));

  // variables
  setVariable: Api["setVariable"] = (name, value, tags, options) => this.call((o) => o.setVariable(name, value, tags, options));
  readSecretVariable: Api["readSecretVariable"] = (name, runId) => this.call((o) => o.readSecretVariable(name, runId));
  getVariable: Api["getVariable"] = (name) => this.call((o) => o.getVariable(name));
  listVariables: Api["listVariables"] = (page) => this.call((o) => o.listVariables(page));
  deleteVariable: Api["deleteVariable"] = (name) => this.call((o) => o.deleteVariable(name));

  // results
  putResult: Api["putResult"] = (key, data) => this.call((o) => o.putResult(key, data));
  readResult: Api["readResult"] = (key) => this.call((o) => o.readResult(key));
  deleteResult: Api["deleteResult"] = (key) => this.call((o) => o.deleteResult(key));
  listResults: Api["listResults"] = (query) => this.call((o) => o.listResults(query));
  referencedResultKeys: Api["referencedResultKeys"] = (keys) => this.call((o) => o.referencedResultKeys(keys));

  // concurrency limits
  createConcurrencyLimit: Api["createConcurrencyLimit"] = (input) => this.call((o) => o.createConcurrencyLimit(input));
  listConcurrencyLimits: Api["listConcurrencyLimits"] = () => this.call((o) => o.listConcurrencyLimits());
  readConcurrencyLimit: Api["readConcurrencyLimit"] = (tag) => this.call((o) => o.readConcurrencyLimit(tag));
  deleteConcurrencyLimit: Api["deleteConcurrencyLimit"] = (tag) => this.call((o) => o.deleteConcurrencyLimit(tag));
  acquireConcurrencySlots: Api["acquireConcurrencySlots"] = (input) => this.call((o) => o.acquireConcurrencySlots(input));
  renewConcurrencyLease: Api["renewConcurrencyLease"] = (leaseId, leaseSeconds) => this.call((o) => o.renewConcurrencyLease(leaseId, leaseSeconds));
  releaseConcurrencyLease: Api["releaseConcurrencyLease"] = (leaseId) => this.call((o) => o.releaseConcurrencyLease(leaseId));

  // deployments
  upsertDeployment: Api["upsertDeployment"] = (input, options) => this.call((o) => o.upsertDeployment(input, this.changeOptions(options)));
  readDeployment: Api["readDeployment"] = (id) => this.call((o) => o.readDeployment(id));
  readDeploymentByName: Api["readDeploymentByName"] = (fullName) => this.call((o) => o.readDeploymentByName(fullName));
  listDeployments: Api["listDeployments"] = (filter, page) => this.call((o) => o.listDeployments(filter, page));
  updateDeployment: Api["updateDeployment"] = (id, patch, options) => this.call((o) => o.updateDeployment(id, patch, this.changeOptions(options)));
  deleteDeployment: Api["deleteDeployment"] = (id) => this.call((o) => o.deleteDeployment(id));
  createDeploymentFlowRun: Api["createDeploymentFlowRun"] = (deploymentId, input) => this.call((o) => o.createDeploymentFlowRun(deploymentId, input));
  createDeploymentSchedule: Api["createDeploymentSchedule"] = (deploymentId, input, options) =>
    this.call((o) => o.createDeploymentSchedule(deploymentId, input, this.changeOptions(options)));
  updateDeploymentSchedule: Api["updateDeploymentSchedule"] = (deploymentId, scheduleId, patch, options) =>
    this.call((o) => o.updateDeploymentSchedule(deploymentId, scheduleId, patch, this.changeOptions(options)));
  deleteDeploymentSchedule: Api["deleteDeploymentSchedule"] = (deploymentId, scheduleId, options) =>
    this.call((o) => o.deleteDeploymentSchedule(deploymentId, scheduleId, this.changeOptions(options)));
  listDeploymentVersions: Api["listDeploymentVersions"] = (deploymentId, page) => this.call((o) => o.listDeploymentVersions(deploymentId, page));
  readDeploymentVersion: Api["readDeploymentVersion"] = (deploymentId, version) => this.call((o) => o.readDeploymentVersion(deploymentId, version));
  rollbackDeployment: Api["rollbackDeployment"] = (deploymentId, version, options) => this.call((o) => o.rollbackDeployment(deploymentId, version, this.changeOptions(options)));
  backfillDeployment: Api["backfillDeployment"] = (deploymentId, input) => this.call((o) => o.backfillDeployment(deploymentId, input));
  listBackfills: Api["listBackfills"] = (deploymentId) => this.call((o) => o.listBackfills(deploymentId));
  readBackfill: Api["readBackfill"] = (id) => this.call((o) => o.readBackfill(id));

  // notifications
  listNotificationDeliveries: Api["listNotificationDeliveries"] = (filter, page) => this.call((o) => o.listNotificationDeliveries(filter, page));
  getNotificationDelivery: Api["getNotificationDelivery"] = (id) => this.call((o) => o.getNotificationDelivery(id));
  testNotification: Api["testNotification"] = (action, options) => this.call((o) => o.testNotification(action, options));
  // automations
  createAutomation: Api["createAutomation"] = (input) => this.call((o) => o.createAutomation(input));
  updateAutomation: Api["updateAutomation"] = (idOrName, input) => this.call((o) => o.updateAutomation(idOrName, input));
  readAutomation: Api["readAutomation"] = (idOrName) => this.call((o) => o.readAutomation(idOrName));
  listAutomations: Api["listAutomations"] = () => this.call((o) => o.listAutomations());
  setAutomationEnabled: Api["setAutomationEnabled"] = (idOrName, isEnabled) => this.call((o) => o.setAutomationEnabled(idOrName, isEnabled));
  deleteAutomation: Api["deleteAutomation"] = (idOrName) => this.call((o) => o.deleteAutomation(idOrName));
  listAutomationFirings: Api["listAutomationFirings"] = (idOrName, limit) => this.call((o) => o.listAutomationFirings(idOrName, limit));
  setDeploymentAutomations: Api["setDeploymentAutomations"] = (deploymentId, inputs) => this.call((o) => o.setDeploymentAutomations(deploymentId, inputs));

  // work pools, queues, workers
  createWorkPool: Api["createWorkPool"] = (input) => this.call((o) => o.createWorkPool(input));
  readWorkPool: Api["readWorkPool"] = (name) => this.call((o) => o.readWorkPool(name));
  listWorkPools: Api["listWorkPools"] = () => this.call((o) => o.listWorkPools());
  updateWorkPool: Api["updateWorkPool"] = (name, patch) => this.call((o) => o.updateWorkPool(name, patch));
  deleteWorkPool: Api["deleteWorkPool"] = (name) => this.call((o) => o.deleteWorkPool(name));
  createWorkQueue: Api["createWorkQueue"] = (input) => this.call((o) => o.createWorkQueue(input));
  readWorkQueue: Api["readWorkQueue"] = (workPoolName, name) => this.call((o) => o.readWorkQueue(workPoolName, name));
  listWorkQueues: Api["listWorkQueues"] = (workPoolName) => this.call((o) => o.listWorkQueues(workPoolName));
  updateWorkQueue: Api["updateWorkQueue"] = (workPoolName, name, patch) => this.call((o) => o.updateWorkQueue(workPoolName, name, patch));
  deleteWorkQueue: Api["deleteWorkQueue"] = (workPoolName, name) => this.call((o) => o.deleteWorkQueue(workPoolName, name));
  workerHeartbeat: Api["workerHeartbeat"] = (input) => this.call((o) => o.workerHeartbeat(input));
  listWorkers: Api["listWorkers"] = (workPoolName) => this.call((o) => o.listWorkers(workPoolName));
  listEvents: Api["listEvents"] = (input) => this.call((o) => o.listEvents(input));
  readEventsAfter: Api["readEventsAfter"] = (input) => this.call((o) => o.readEventsAfter(input));
  claimFlowRuns: Api["claimFlowRuns"] = (input) => this.call((o) => o.claimFlowRuns(input));

  async *subscribe(signal: AbortSignal, filter?: LiveEventFilter): AsyncIterable<WeirEvent> {
    const { context } = await this.ready;
    yield* context.events.stream(signal, filter);
  }

  async close(): Promise<void> {
    if (this.isClosed) return;
    this.isClosed = true;
    if (!this.isOwner) return;
    const opened = await this.ready.catch(() => null);
    await opened?.close();
  }
}
