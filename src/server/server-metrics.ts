/**
 * The server's Prometheus metrics (prom-client), served at `GET /metrics` (metrics-endpoint.ts).
 * docs/operations.md lists every series; three sources feed them:
 *
 * - **The database, at scrape time**: unfinished runs by state, running runs by flow and
 *   deployment, each work queue's due backlog, late runs and oldest due run, workers online per pool
 *   (src/orchestration/operations-snapshot.ts). One snapshot serves every scrape for
 *   `snapshotCacheSeconds`, and scrapes that arrive while one is read wait for it, so a scrape
 *   storm costs the database one set of grouped counts per period.
 * - **This process, as things happen**: flow-run state transitions and finished runs, and claim
 *   latency, from the flow-run events this process publishes (not those relayed from other
 *   replicas: summed over replicas, each transition counts once); event-bus lag; service loop
 *   durations and errors; HTTP request latency by route template.
 * - **The process**: prom-client's default metrics (CPU, memory, event-loop lag, GC, handles),
 *   collected once per process and shared by every server in it.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { FlowRun, WeirEvent } from "../core/models.js";
import { TERMINAL_STATE_TYPES } from "../core/states.js";
import type { OrchestrationContext } from "../orchestration/orchestration-context.js";
import { readOperationsSnapshot, type OperationsSnapshot } from "../orchestration/operations-snapshot.js";
import type { ServicesObserver } from "../services/services-options.js";

/** Options of {@link createServerMetrics}. */
export interface ServerMetricsOptions {
  context: OrchestrationContext;
  /** How long one database snapshot answers scrapes, in seconds (0: read at every scrape). @default 5 */
  snapshotCacheSeconds?: number;
  /** Milliseconds of the clock that stamps runs, for event and snapshot ages. @default the context's clock */
  nowMs?: () => number;
}

/** The metrics of one server. */
export interface ServerMetrics {
  /** Count one answered HTTP request; `route` is the route's template (bounded), never the raw path. */
  observeRequest(method: string, route: string, status: number, durationSeconds: number): void;
  /** Counts the ticks and errors of the background services (given to `startServices`). */
  servicesObserver: ServicesObserver;
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<{ contentType: string; body: string }>;
  /** Stop listening to the event bus. */
  close(): void;
}

const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const CLAIM_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
const SERVICE_BUCKETS = [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const HTTP_METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

let processRegistry: Registry | null = null;

// Process metrics belong to the process: one collector, however many servers it runs (tests run many).
function sharedProcessRegistry(): Registry {
  if (processRegistry === null) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
    // Gauges named like counters fail `promtool check metrics`; the same numbers remain by type
    // (nodejs_active_handles{type=…}, …), so a sum over them gives the totals.
    for (const name of ["nodejs_active_handles_total", "nodejs_active_requests_total", "nodejs_active_resources_total"]) processRegistry.removeSingleMetric(name);
  }
  return processRegistry;
}

/** Create the metrics of a server over its orchestration context (see file header). */
export function createServerMetrics(options: ServerMetricsOptions): ServerMetrics {
  const { context } = options;
  const nowMs = options.nowMs ?? (() => context.clock.now().getTime());
  const cacheMs = (options.snapshotCacheSeconds ?? 5) * 1000;
  const registry = new Registry();
  const snapshots = createSnapshotCache(() => readOperationsSnapshot(context), cacheMs);

  const transitions = new Counter({
    name: "weir_flow_run_state_transitions_total",
    help: "Flow-run states entered through this server process since it started, by state type and name.",
    labelNames: ["state_type", "state_name"],
    registers: [registry],
  });
  const finished = new Counter({
    name: "weir_flow_runs_finished_total",
    help: "Flow runs that reached a terminal state (COMPLETED, FAILED, CANCELLED, CRASHED) through this server process since it started.",
    labelNames: ["flow", "deployment", "state_type"],
    registers: [registry],
  });
  const claimLatency = new Histogram({
    name: "weir_flow_run_claim_latency_seconds",
    help: "Time from a run's expected start to its claim by a worker (first attempts), by work pool and queue.",
    labelNames: ["work_pool", "work_queue"],
    buckets: CLAIM_BUCKETS,
    registers: [registry],
  });
  const eventLag = new Histogram({
    name: "weir_event_bus_lag_seconds",
    help: "Age of a flow-run event when this server's event bus delivers it (publisher's clock), by origin: this process or relayed from another through PostgreSQL NOTIFY.",
    labelNames: ["origin"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const requestDuration = new Histogram({
    name: "weir_http_request_duration_seconds",
    help: "HTTP requests answered, by method, route template and status, with their duration until the response headers.",
    labelNames: ["method", "route", "status"],
    buckets: LATENCY_BUCKETS,
    registers: [registry],
  });
  const serviceDuration = new Histogram({
    name: "weir_service_tick_duration_seconds",
    help: "Duration of one tick of a background service led by this process.",
    labelNames: ["service"],
    buckets: SERVICE_BUCKETS,
    registers: [registry],
  });
  const serviceLastTick = new Gauge({
    name: "weir_service_last_tick_timestamp_seconds",
    help: "When a background service last finished a tick in this process (Unix time).",
    labelNames: ["service"],
    registers: [registry],
  });
  const serviceErrors = new Counter({
    name: "weir_service_errors_total",
    help: "Errors of the background services in this process (failed ticks, schedules that could not be planned).",
    labelNames: ["service"],
    registers: [registry],
  });
  const skippedSlots = new Counter({
    name: "weir_schedule_slots_skipped_total",
    help: "Missed schedule slots the scheduler led by this process skipped after downtime (no run made), by catch-up policy; each skip is also a deployment.slots-skipped event.",
    labelNames: ["policy"],
    registers: [registry],
  });
  new Gauge({
    name: "weir_event_bus_listeners",
    help: "Listeners attached to this server's event bus (live streams and the metrics).",
    registers: [registry],
    collect() {
      this.set(context.events.listenerCount());
    },
  });
  registerSnapshotGauges(registry, snapshots, nowMs);

  function onFlowRun(flowRun: FlowRun, isRelayed: boolean): void {
    const ageSeconds = (nowMs() - Date.parse(flowRun.updatedAt)) / 1000;
    if (Number.isFinite(ageSeconds)) eventLag.observe({ origin: isRelayed ? "relayed" : "local" }, Math.max(0, ageSeconds));
    // Counters count what this process did; another replica counts its own.
    if (isRelayed) return;
    transitions.inc({ state_type: flowRun.stateType, state_name: flowRun.stateName });
    if (TERMINAL_STATE_TYPES.has(flowRun.stateType)) {
      finished.inc({ flow: flowRun.flowName, deployment: flowRun.deploymentName ?? "", state_type: flowRun.stateType });
    }
    // A claim: Scheduled → Pending with a worker. Retries are left out (their due time is not in the event).
    if (flowRun.stateName === "Pending" && flowRun.workerId !== null && flowRun.runCount === 0) {
      const waitedSeconds = (Date.parse(flowRun.state.timestamp) - Date.parse(flowRun.expectedStartTime)) / 1000;
      if (Number.isFinite(waitedSeconds)) claimLatency.observe({ work_pool: flowRun.workPoolName ?? "", work_queue: flowRun.workQueueName ?? "" }, Math.max(0, waitedSeconds));
    }
  }
  const stopListening = context.events.on(
    (event: WeirEvent, isRelayed) => {
      if (event.kind === "flow-run") onFlowRun(event.flowRun, isRelayed);
    },
    { kinds: ["flow-run"] },
  );

  return {
    observeRequest(method, route, status, durationSeconds) {
      requestDuration.observe({ method: HTTP_METHODS.has(method) ? method : "OTHER", route, status: String(status) }, durationSeconds);
    },
    servicesObserver: {
      onTick(service, durationSeconds) {
        serviceDuration.observe({ service }, durationSeconds);
        serviceLastTick.set({ service }, nowMs() / 1000);
      },
      onError(service) {
        serviceErrors.inc({ service });
      },
      onSkippedSlots(count, policy) {
        skippedSlots.inc({ policy }, count);
      },
    },
    async scrape() {
      const [own, process] = await Promise.all([registry.metrics(), sharedProcessRegistry().metrics()]);
      return { contentType: registry.contentType, body: `${own}\n${process}` };
    },
    close: stopListening,
  };
}

/** One snapshot per period, shared by the scrapes of that period (a failed read too: an outage is not hammered). */
function createSnapshotCache(read: () => Promise<OperationsSnapshot>, cacheMs: number): () => Promise<OperationsSnapshot> {
  let cached: { readAtMs: number; snapshot: Promise<OperationsSnapshot> } | null = null;
  return () => {
    const now = performance.now();
    if (cached === null || now - cached.readAtMs >= cacheMs) {
      const snapshot = read();
      snapshot.catch(() => undefined);
      cached = { readAtMs: now, snapshot };
    }
    return cached.snapshot;
  };
}

/** The gauges read from the database snapshot; each resets first, so series that vanished go. */
function registerSnapshotGauges(registry: Registry, snapshots: () => Promise<OperationsSnapshot>, nowMs: () => number): void {
  const fill = <T extends string>(name: string, help: string, labelNames: readonly T[], set: (gauge: Gauge<T>, snapshot: OperationsSnapshot) => void): void => {
    new Gauge<T>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        const snapshot = await snapshots().catch(() => null);
        if (snapshot !== null) set(this, snapshot);
      },
    });
  };
  new Gauge({
    name: "weir_database_up",
    help: "1 when the database snapshot of the metrics was read, 0 when the read failed.",
    registers: [registry],
    async collect() {
      this.set(await snapshots().then(() => 1, () => 0));
    },
  });
  new Gauge({
    name: "weir_metrics_snapshot_age_seconds",
    help: "How old the database snapshot behind the weir_flow_runs*, weir_work_queue_* and weir_workers gauges is.",
    registers: [registry],
    async collect() {
      this.reset();
      const snapshot = await snapshots().catch(() => null);
      if (snapshot !== null) this.set(Math.max(0, (nowMs() - snapshot.takenAt.getTime()) / 1000));
    },
  });
  fill("weir_flow_runs", "Flow runs not finished yet (scheduled, late, pending, running, paused, cancelling, …), by state.", ["state_type", "state_name"], (gauge, snapshot) => {
    for (const row of snapshot.unfinishedRuns) gauge.set({ state_type: row.stateType, state_name: row.stateName }, row.count);
  });
  fill("weir_flow_runs_active", "Flow runs holding a slot (PENDING, RUNNING, CANCELLING), by flow, deployment and state.", ["flow", "deployment", "state_type", "state_name"], (gauge, snapshot) => {
    for (const row of snapshot.activeRuns) {
      gauge.set({ flow: row.flowName, deployment: row.deploymentName ?? "", state_type: row.stateType, state_name: row.stateName }, row.count);
    }
  });
  const queueLabels = ["work_pool", "work_queue"] as const;
  const queueKey = (queue: OperationsSnapshot["queues"][number]) => ({ work_pool: queue.workPoolName ?? "", work_queue: queue.workQueueName ?? "" });
  fill("weir_work_queue_due_runs", "Runs due now that no worker has claimed (the queue depth), by work pool and queue.", queueLabels, (gauge, snapshot) => {
    for (const queue of snapshot.queues) gauge.set(queueKey(queue), queue.dueRuns);
  });
  fill("weir_work_queue_late_runs", "Due runs named Late (not claimed within the late-runs threshold), by work pool and queue.", queueLabels, (gauge, snapshot) => {
    for (const queue of snapshot.queues) gauge.set(queueKey(queue), queue.lateRuns);
  });
  fill("weir_work_queue_oldest_due_age_seconds", "How long the oldest due run of a queue has waited past its due time (0 when none is due).", queueLabels, (gauge, snapshot) => {
    for (const queue of snapshot.queues) {
      const age = queue.oldestDueTime === null ? 0 : (snapshot.takenAt.getTime() - Date.parse(queue.oldestDueTime)) / 1000;
      gauge.set(queueKey(queue), Math.max(0, age));
    }
  });
  fill("weir_work_queue_paused", "1 when a work queue is paused.", queueLabels, (gauge, snapshot) => {
    for (const queue of snapshot.queues) if (queue.workPoolName !== null) gauge.set(queueKey(queue), queue.isPaused ? 1 : 0);
  });
  fill("weir_workers", "Workers known to the server by work pool and status (online: heartbeat within 3 of its intervals).", ["work_pool", "status"], (gauge, snapshot) => {
    for (const pool of snapshot.workers) {
      gauge.set({ work_pool: pool.workPoolName, status: "online" }, pool.online);
      gauge.set({ work_pool: pool.workPoolName, status: "offline" }, pool.offline);
    }
  });
}
