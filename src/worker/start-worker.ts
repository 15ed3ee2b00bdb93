/**
 * The worker loop. A worker heartbeats against its pool, claims as many due runs as it has free
 * slots (claims are atomic server-side: one claim per run, ever), and starts each in a child
 * process (src/worker/flow-run-process.ts) whose stderr goes to the run's logs. It wakes on the live event stream (a Scheduled run in
 * its pool, a run of its own being cancelled) with a poll fallback.
 *
 * Run lifecycle as the worker sees it:
 * - claimed, of a deployment with a `pull` → its code is fetched into the worker's cache first
 *   (code-pull.ts), and the run executes there; a pull that fails makes the run Failed, with the
 *   reason in its logs;
 * - claimed (Pending) → child started; the worker heartbeats the run with the child's pid every
 *   interval while that process is alive (covering its start-up and a busy event loop), and the
 *   run's process heartbeats it too (the SDK), so a run outlives a worker that dies: its process
 *   finishes it and reports its true final state;
 * - a heartbeat answer or event says Cancelling → SIGTERM, which aborts the run's signal in its
 *   process: code that honours it stops and the process proposes Cancelled itself; SIGKILL after
 *   `killGraceMs` for code that ignores it, then the worker proposes Cancelled;
 * - the child exits and the run is not terminal (nor waiting: Scheduled/Paused) → Crashed
 *   (retried by the orchestrator if it has retries left); the worker no longer heartbeats it;
 * - execution (a deployment's `execution`, else the worker's): `process` as above; `pooled` hands
 *   the run to an idle long-lived run process (run-process-pool.ts) and `inline` executes it here
 *   (inline-run.ts), each with the same handle, so heartbeats, cancellation and Crashed work alike;
 * - stop (signal aborted): no more claims; runs may finish within `shutdownGraceMs`, the rest are
 *   killed and proposed Crashed ("worker shut down"), so a retry or another worker takes them.
 */
import { hostname } from "node:os";
import { resolve } from "node:path";
import type { CodePull, Deployment, ExecutionMode, FlowRun, LogLevel, WeirEvent } from "../core/models.js";
import { isTerminalStateType, makeState, type StateType } from "../core/states.js";
import { compileWorkerOptions, type CompiledWorkerOptions, type WorkerOptions } from "./worker-options.js";
import { followFlowRunProcess, type FlowRunProcess, type FlowRunProcessRequest, type ProcessExit } from "./flow-run-process.js";
import { startWarmSpares } from "./warm-spare.js";
import { pullCode, type PulledCode } from "./code-pull.js";
import { CodePullError } from "./code-pull-error.js";
import { openRunProcessPool, type RunProcessPool } from "./run-process-pool.js";
import { startInlineRun } from "./inline-run.js";
import { isWeirError } from "../core/weir-error.js";
import { tracingIfConfigured } from "../core/tracing/weir-tracing.js";
import { startClaimSpan } from "./claim-span.js";
import { createDeploymentCache } from "./deployment-cache.js";

/** The live events a worker subscribes to: runs of its pool that became due, or are being cancelled. */
const WORKER_EVENT_STATE_TYPES: readonly StateType[] = ["SCHEDULED", "CANCELLING", "CANCELLED"];

/** A started worker. */
export interface RunningWorker {
  /** The worker record's id (claims carry it). */
  readonly id: string;
  readonly name: string;
  /** Ids of the runs this worker executes now. */
  runningFlowRunIds(): string[];
  /** Resolves once the worker stopped and its runs settled. */
  readonly stopped: Promise<void>;
  /** Stop the worker (like aborting its signal) and wait until it stopped. */
  stop(): Promise<void>;
}

interface RunEntry {
  run: FlowRun;
  /** The version of pulled code the run executes (code-pull.ts), recorded with its heartbeats. */
  codeVersion: string | undefined;
  process: FlowRunProcess;
  isCancelling: boolean;
  isShutdown: boolean;
}

async function ensurePool(options: CompiledWorkerOptions): Promise<void> {
  const { client } = options;
  try {
    await client.readWorkPool(options.workPoolName);
  } catch (error) {
    if (!options.createPoolIfMissing || !isWeirError(error) || error.code !== "NOT_FOUND") throw error;
    await client.createWorkPool({ name: options.workPoolName }).catch((raced: unknown) => {
      if (!isWeirError(raced) || raced.code !== "CONFLICT") throw raced;
    });
  }
}

/** Start a worker (see file header); it runs until `signal` aborts or `stop()` is called. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const o = compileWorkerOptions(options);
  const { client, clock } = o;
  await ensurePool(o);
  const tracing = await (tracingIfConfigured() ?? null);
  const heartbeatSeconds = Math.max(1, Math.ceil(o.heartbeatIntervalSeconds));
  const record = await client.workerHeartbeat({ workPoolName: o.workPoolName, name: o.name, heartbeatIntervalSeconds: heartbeatSeconds });
  const stopping = new AbortController();
  const onAbort = (): void => stopping.abort();
  o.signal?.addEventListener("abort", onAbort, { once: true });
  if (o.signal?.aborted) stopping.abort();
  const runs = new Map<string, RunEntry>();
  const deployments = createDeploymentCache((id) => client.readDeployment(id));
  const settling = new Set<Promise<void>>();
  let isWakeRequested = false;
  let wakeWaiter: AbortController | null = null;
  const wake = (): void => {
    isWakeRequested = true;
    wakeWaiter?.abort();
  };

  const report = (error: unknown): void => {
    try {
      o.onError(error);
    } catch {
      // An error handler's own failure must not stop the worker.
    }
  };

  // What every run's process shares; a deployment adds its path and job variables.
  // The worker's own settings win over job variables. The run's own heartbeats (from the SDK in
  // the child) keep the worker's pace.
  // Lines the SDK stores itself go to stdout, so stderr (copied to the logs) holds only the rest.
  const ownEnv: Record<string, string> = {
    WEIR_HEARTBEAT_INTERVAL_SECONDS: String(o.heartbeatIntervalSeconds),
    WEIR_RECORDED_OUTPUT: "stdout",
    ...o.env,
    ...(o.apiUrl ? { WEIR_API_URL: o.apiUrl } : {}),
  };
  const baseEnv: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) baseEnv[key] = value;
  Object.assign(baseEnv, ownEnv);
  const spares = o.warmSpares > 0 && !stopping.signal.aborted ? startWarmSpares(o.spawn, o.warmSpares, { cwd: process.cwd(), env: baseEnv }, report) : null;

  let pool: RunProcessPool | null = null;
  const openPool = (): RunProcessPool =>
    (pool ??= openRunProcessPool({
      client,
      base: { cwd: process.cwd(), env: baseEnv },
      prestart: stopping.signal.aborted ? 0 : o.poolSize,
      maxRunsPerProcess: o.maxRunsPerProcess,
      maxProcessMemoryMb: o.maxProcessMemoryMb,
      echo: o.echo,
      forwardStdout: o.forwardStdout,
      spawn: o.spawnPooled,
      onError: report,
    }));
  if (o.poolSize > 0) openPool();

  const cancel = (entry: RunEntry): void => {
    if (entry.isCancelling) return;
    entry.isCancelling = true;
    entry.process.stop(o.killGraceMs);
  };

  async function finish(entry: RunEntry, exit: ProcessExit): Promise<void> {
    const id = entry.run.id;
    try {
      // Exit 0: the run reported Completed (or Suspended) itself; nothing to settle, nothing to read.
      if (exit.code === 0 && !entry.isCancelling && !entry.isShutdown) return;
      const current = await client.readFlowRun(id);
      const how = exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
      if (entry.isCancelling || current.stateType === "CANCELLING") {
        if (current.stateType !== "CANCELLED") {
          await client.setFlowRunState(id, { state: makeState("Cancelled", { now: clock.now(), message: `cancelled; the run's process ${how}` }) });
        }
      } else if (!isTerminalStateType(current.stateType) && current.stateType !== "SCHEDULED" && current.stateType !== "PAUSED") {
        const message = entry.isShutdown ? `the worker shut down before the run finished (its process ${how})` : `the run's process ${how} without reporting a final state`;
        await client.setFlowRunState(id, {
          state: makeState("Crashed", { now: clock.now(), message, error: { name: "Crashed", message, isRetryable: true } }),
        });
      }
    } catch (error) {
      report(error);
    } finally {
      runs.delete(id);
      wake();
    }
  }

  // The run's code, pulled into the worker's cache; null when that failed (the run is then Failed,
  // the reason in its logs). The run is heartbeated meanwhile: `npm ci` may take minutes.
  async function pullRunCode(run: FlowRun, pull: CodePull): Promise<PulledCode | null> {
    const log = (level: LogLevel, message: string): void => {
      o.echo?.write(`${run.id.slice(0, 8)} | ${message}\n`);
      void client.appendLogs([{ flowRunId: run.id, level, name: "weir.worker", message, timestamp: clock.now().toISOString() }]).catch(report);
    };
    const beat = setInterval(() => void client.heartbeatFlowRun(run.id, { heartbeatIntervalSeconds: heartbeatSeconds }).catch(report), heartbeatSeconds * 1000);
    try {
      return await pullCode(pull, { client, flowRunId: run.id, cacheRoot: o.codeCacheDir, progress: (message) => log("INFO", message) });
    } catch (error) {
      const message = `the worker could not get the run's code: ${error instanceof Error ? error.message : String(error)}`;
      log("ERROR", message);
      report(error);
      const isRetryable = !(error instanceof CodePullError);
      await client
        .setFlowRunState(run.id, { state: makeState(isRetryable ? "Crashed" : "Failed", { now: clock.now(), message, error: { name: isRetryable ? "Crashed" : "CodePullError", message, isRetryable } }) })
        .catch(report);
      return null;
    } finally {
      clearInterval(beat);
    }
  }

  async function launch(run: FlowRun, claimStartedAtMs: number): Promise<void> {
    // When traces are on: a span from the claim until the run's process started (claim-span.ts).
    const claim = tracing === null ? null : startClaimSpan(tracing, { run, workerName: o.name, workPoolName: o.workPoolName, startTimeMs: claimStartedAtMs });
    let codeVersion: string | undefined;
    try {
      const request: FlowRunProcessRequest = { flowRunId: run.id, cwd: process.cwd(), env: { ...baseEnv }, flowRun: run };
      let execution: ExecutionMode = "process";
      if (run.deploymentId !== null) {
        const deployment = await deployments.deploymentOf({ ...run, deploymentId: run.deploymentId });
        if (deployment.path) request.cwd = resolve(deployment.path);
        request.entrypoint = deployment.entrypoint;
        for (const [key, value] of Object.entries(deployment.jobVariables)) request.env[key] = typeof value === "string" ? value : JSON.stringify(value);
        Object.assign(request.env, ownEnv);
        if (deployment.pull) {
          const pulled = await pullRunCode(run, deployment.pull);
          if (pulled === null) {
            claim?.end(new Error("the worker could not get the run's code"));
            return;
          }
          request.cwd = pulled.dir;
          codeVersion = pulled.codeVersion;
        }
        execution = executionOf(deployment);
      }
      if (claim !== null) request.env.TRACEPARENT = claim.traceparent;
      const child = startRun(run, request, execution);
      claim?.end(null);
      const entry: RunEntry = { run, codeVersion, process: child, isCancelling: false, isShutdown: false };
      runs.set(run.id, entry);
      const settled = child.exited.then((exit) => finish(entry, exit));
      settling.add(settled);
      void settled.finally(() => settling.delete(settled));
      // A process that still boots is not beating yet: the worker beats for it. A pooled or
      // inline run's process is up, and the SDK beats as the run starts (the worker still beats
      // once to record a pulled run's code version).
      if (execution === "process" || codeVersion !== undefined) await heartbeatRun(entry);
    } catch (error) {
      claim?.end(error);
      report(error);
      if (!runs.has(run.id)) {
        const message = `the worker could not start the run: ${error instanceof Error ? error.message : String(error)}`;
        await client
          .setFlowRunState(run.id, { state: makeState("Crashed", { now: clock.now(), message, error: { name: "Crashed", message, isRetryable: true } }) })
          .catch(report);
      }
    }
  }

  // The deployment's mode wins over the worker's. `inline` needs a worker that allows it, and a
  // deployment without job variables (inline runs share the worker's environment): else `pooled`.
  function executionOf(deployment: Deployment): ExecutionMode {
    const asked = deployment.execution ?? o.execution;
    if (asked !== "inline") return asked;
    return o.allowInline && o.inlineExecutor !== null && Object.keys(deployment.jobVariables).length === 0 ? "inline" : "pooled";
  }

  function startRun(run: FlowRun, request: FlowRunProcessRequest, execution: ExecutionMode): FlowRunProcess {
    if (execution === "inline" && request.entrypoint !== undefined && o.inlineExecutor !== null) {
      return startInlineRun(o.inlineExecutor, client, { flowRun: run, entrypoint: request.entrypoint, cwd: request.cwd }, o.echo);
    }
    if (execution === "pooled" && !stopping.signal.aborted) {
      const pooled = openPool().take(request);
      if (pooled !== null) return pooled;
    }
    const started = spares?.take(request) ?? o.spawn(request);
    return followFlowRunProcess(started, run.id, { client, echo: o.echo, forwardStdout: o.forwardStdout });
  }

  async function heartbeatRun(entry: RunEntry): Promise<void> {
    // Only a live process keeps its run alive; one that exited is settled by `finish`.
    if (!entry.process.isAlive()) return;
    try {
      const pid = entry.process.pid === undefined ? undefined : `${hostname()}:${entry.process.pid}`;
      const current = await client.heartbeatFlowRun(entry.run.id, {
        heartbeatIntervalSeconds: heartbeatSeconds,
        ...(pid ? { infrastructurePid: pid } : {}),
        ...(entry.codeVersion === undefined ? {} : { codeVersion: entry.codeVersion }),
      });
      if (current.stateType === "CANCELLING" || current.stateType === "CANCELLED") cancel(entry);
    } catch (error) {
      report(error);
    }
  }

  async function heartbeatLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      await o.sleep(o.heartbeatIntervalSeconds * 1000, stopping.signal);
      if (stopping.signal.aborted) break;
      await client.workerHeartbeat({ workPoolName: o.workPoolName, name: o.name, heartbeatIntervalSeconds: heartbeatSeconds }).catch(report);
      await Promise.all([...runs.values()].map(heartbeatRun));
    }
  }

  const isMine = (event: WeirEvent): boolean =>
    event.kind === "flow-run" &&
    event.flowRun.stateType === "SCHEDULED" &&
    event.flowRun.workPoolName === o.workPoolName &&
    (o.workQueueNames === null || o.workQueueNames.includes(event.flowRun.workQueueName ?? ""));

  async function eventLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      try {
        // Only what a worker acts on: its pool's runs that became due or are being cancelled.
        for await (const event of client.subscribe(stopping.signal, { workPoolName: o.workPoolName, stateTypes: WORKER_EVENT_STATE_TYPES })) {
          if (event.kind !== "flow-run") continue;
          const entry = runs.get(event.flowRun.id);
          if (entry && (event.flowRun.stateType === "CANCELLING" || event.flowRun.stateType === "CANCELLED")) cancel(entry);
          else if (isMine(event)) wake();
        }
      } catch (error) {
        report(error);
      }
      // The stream ended or failed: polling carries on; try the stream again later.
      await o.sleep(o.pollIntervalMs, stopping.signal);
    }
  }

  async function claimLoop(): Promise<void> {
    while (!stopping.signal.aborted) {
      isWakeRequested = false;
      const free = o.limit - runs.size;
      let claimed: FlowRun[] = [];
      if (free > 0) {
        const claimStartedAtMs = Date.now();
        try {
          claimed = await client.claimFlowRuns({
            workPoolName: o.workPoolName,
            ...(o.workQueueNames === null ? {} : { workQueueNames: [...o.workQueueNames] }),
            workerId: record.id,
            workerName: o.name,
            limit: free,
          });
        } catch (error) {
          report(error);
        }
        for (const run of claimed) await launch(run, claimStartedAtMs);
        if (claimed.length > 0 && claimed.length === free) continue;
      }
      if (isWakeRequested || stopping.signal.aborted) continue;
      const waiter = new AbortController();
      wakeWaiter = waiter;
      const onStop = (): void => waiter.abort();
      stopping.signal.addEventListener("abort", onStop, { once: true });
      await o.sleep(o.pollIntervalMs, waiter.signal);
      stopping.signal.removeEventListener("abort", onStop);
      wakeWaiter = null;
    }
  }

  async function run(): Promise<void> {
    const loops = [heartbeatLoop(), eventLoop()];
    await claimLoop();
    spares?.close();
    const allSettled = Promise.allSettled([...settling]);
    const grace = new AbortController();
    await Promise.race([allSettled, o.sleep(o.shutdownGraceMs, grace.signal)]);
    grace.abort();
    for (const entry of runs.values()) {
      entry.isShutdown = true;
      entry.process.kill();
    }
    await Promise.allSettled([...settling]);
    await pool?.close();
    await Promise.allSettled(loops);
    o.signal?.removeEventListener("abort", onAbort);
  }

  const stopped = run();
  return {
    id: record.id,
    name: o.name,
    runningFlowRunIds: () => [...runs.keys()],
    stopped,
    async stop() {
      stopping.abort();
      await stopped;
    },
  };
}
