/**
 * Drives one flow run after it exists: start (propose Running), attempts with timeout and
 * retries, heartbeats (which also tell about cancellation), the final state and the hooks.
 * See run-flow.ts for the whole life of a flow run.
 *
 * Heartbeats come from the process executing the run, from its start and every interval, so a run
 * whose worker died but whose own process lives on is not taken for crashed (the worker heartbeats
 * it too, but only while that process is alive). The first one rides on the proposal of Running
 * (its `heartbeat` field: no request of its own); what the input's `onStartAnswered` sends (the
 * flow's registration) leaves once the server has answered that proposal, so the server answers
 * it first (the run's clock starts at Running, and a server handles one request after another). A run stopped from outside
 * (flow-run-stop.ts) ends Cancelled when the server cancelled it, and is never retried here.
 */
import { hostname } from "node:os";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { OrchestrationResult, ProposeStateInput } from "../core/api-types.js";
import { isResumingState } from "../core/flow-run-rules.js";
import type { FlowRun } from "../core/models.js";
import type { State, StateName } from "../core/states.js";
import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getEngineEffects } from "./engine-effects.js";
import { logFinished, logRetry, logRunException, type RunLogTarget } from "./failure-log.js";
import type { CompiledFlowOptions, FlowHook } from "./flow-options.js";
import { flowResultRef } from "./flow-result-ref.js";
import { FlowRunCancelledError, stopKindOf } from "./flow-run-stop.js";
import { retryDelaySeconds, shouldRetry } from "./retry-policy.js";
import { recordLog } from "./run-logger.js";
import type { RunOutcome } from "./run-outcome.js";
import { runScopeStorage } from "./run-scope.js";
import type { FlowRunScope } from "./run-scope.js";
import type { FlowRunTrace } from "./run-tracing.js";
import { linkedController, runWithTimeout, RunTimeoutError } from "./run-with-timeout.js";
import type { RunWriteBuffer } from "./run-write-buffer.js";
import { loadReuseIndex, type ReuseIndex } from "./reuse-index.js";
import { toStoredError } from "./stored-error.js";
import { FlowRunSuspendedSignal } from "./suspend-flow-run.js";
import { TaskLimiter } from "./task-limiter.js";
import { redactStateText } from "./secret-redaction.js";

/** The flow function as the engine calls it. */
export type FlowBody = (parameters: Record<string, unknown>) => unknown;

/** What the supervisor works with. */
export interface SupervisorInput {
  client: OrchestrationApi;
  buffer: RunWriteBuffer;
  flowRun: FlowRun;
  parameters: Record<string, unknown>;
  /** Whether the run was created Running already. */
  isStarted: boolean;
  /** Heartbeat at once and every interval (runs executed for a worker/runner). */
  isHeartbeating: boolean;
  signals: Array<AbortSignal | undefined>;
  /** The run's span when traces are on (run-tracing.ts). */
  trace: FlowRunTrace | null;
  /** Called once the server answered the first proposal of Running (at once when `isStarted`). */
  onStartAnswered?: () => void;
}

/** How long tasks of a run stopped from outside may take to end once told, before the run ends without them. */
const STOPPED_TASKS_GRACE_MS = 1000;

/** Seconds between heartbeats of a run (WEIR_HEARTBEAT_INTERVAL_SECONDS). @default 10 */
export function heartbeatIntervalSeconds(): number {
  const value = Number(process.env.WEIR_HEARTBEAT_INTERVAL_SECONDS);
  return Number.isFinite(value) && value > 0 ? value : 10;
}

/** Supervises one flow run (see file header). */
export class FlowRunSupervisor {
  /** The run's last known state (null until decided). */
  finalState: State | null = null;
  private readonly controller = new AbortController();
  private readonly scope: FlowRunScope;
  private readonly id: string;
  // The server's run count before this process's first attempt (a retry started elsewhere counts).
  private readonly earlierRunCount: number;
  private isStartAnswered = false;
  /** The first heartbeat, sent with the Running proposal (startHeartbeat); null once sent or when not beating. */
  private startBeat: ProposeStateInput["heartbeat"] | null = null;

  constructor(
    private readonly options: CompiledFlowOptions,
    private readonly body: FlowBody,
    private readonly input: SupervisorInput,
  ) {
    this.id = input.flowRun.id;
    this.earlierRunCount = Math.max(0, input.flowRun.runCount - (input.isStarted ? 1 : 0));
    this.scope = {
      kind: "flow",
      client: input.client,
      buffer: input.buffer,
      flowRunId: this.id,
      flowRunName: input.flowRun.name,
      flowName: options.name,
      parameters: input.parameters,
      attempt: 1,
      flowAttempt: 1,
      reuse: null,
      deploymentId: input.flowRun.deploymentId,
      scheduledTime: input.flowRun.expectedStartTime,
      signal: this.controller.signal,
      logPrints: options.logPrints,
      taskLimiter: options.taskConcurrency === null ? null : new TaskLimiter(options.taskConcurrency),
      dynamicKeys: new Map(),
      pendingTasks: new Set(),
      results: options.results,
      trace: input.trace,
    };
  }

  /** The run's attempt as the server counts it (its run count). */
  get flowAttempt(): number {
    return this.scope.flowAttempt;
  }

  /** Run the flow to a final state. */
  async run(): Promise<RunOutcome> {
    const unlink = this.input.signals.map((signal) => linkedAbort(signal, this.controller));
    // The store refused to start one of this run's tasks: the run is cancelled or over there.
    unlink.push(this.input.buffer.watchFlowRun(this.id, ({ flowRunStateType, reason }) => {
      const isCancel = flowRunStateType === "CANCELLING" || flowRunStateType === "CANCELLED";
      this.controller.abort(isCancel ? new FlowRunCancelledError(this.id) : new WeirError("CONFLICT", `flow run ${this.id} stopped: a task run was refused (${reason})`));
    }));
    const heartbeat = this.startHeartbeat();
    if (this.input.isStarted) this.startAnswered();
    try {
      return await this.attempts();
    } catch (error) {
      return await this.crash(error);
    } finally {
      clearInterval(heartbeat);
      for (const dispose of unlink) dispose();
      await this.input.buffer.flush().catch(() => undefined);
    }
  }

  // What waited for the answer to the first proposal of Running goes now (see file header).
  private startAnswered(): void {
    if (this.isStartAnswered) return;
    this.isStartAnswered = true;
    // A run started by a proposal of this process sent its first beat with it.
    if (this.input.isHeartbeating && this.input.isStarted) this.heartbeat();
    this.input.onStartAnswered?.();
  }

  private async attempts(): Promise<RunOutcome> {
    let isRunning = this.input.isStarted;
    let hasFiredRunning = false;
    for (let attempt = 1; ; attempt += 1) {
      if (!isRunning) {
        const refused = await this.start(attempt);
        if (refused !== null) return refused;
        // What the answer let go (see file header) leaves before the body, which may compute for long without yielding.
        if (attempt === 1) await new Promise((resolve) => setImmediate(resolve));
      }
      isRunning = false;
      this.scope.attempt = attempt;
      this.scope.flowAttempt = this.earlierRunCount + attempt;
      // Only a retry, or a suspended run resumed, looks for finished work to reuse: a first
      // attempt makes no extra query.
      const isResumed = attempt === 1 && isResumingState(this.input.flowRun.state);
      this.scope.reuse = this.scope.flowAttempt > 1 || isResumed ? this.loadReuse() : null;
      if (!hasFiredRunning) {
        hasFiredRunning = true;
        await this.fire("onRunning", { state: makeState(attempt === 1 ? "Running" : "Retrying") });
      }
      const { value, error, isFailed, isTimedOut } = await this.runBody();
      await this.input.buffer.flush();
      if (isFailed && error instanceof FlowRunSuspendedSignal) return this.suspended(error);
      const stop = stopKindOf(this.controller.signal.reason);
      if (stop === "cancelled") return this.finish("Cancelled", "onCancellation", undefined, this.controller.signal.reason);
      if (stop === "signal" && isFailed) return this.stoppedBySignal();
      if (isFailed) logRunException(this.logTarget(), error);
      if (!isFailed) {
        let result: State["result"];
        try {
          result = await flowResultRef(value, this.options, (message) => recordLog(this.scope, "WARNING", message));
        } catch (resultError) {
          // A result promised to be persisted that cannot be: the run failed, it did not crash.
          return this.finish("Failed", "onFailure", undefined, resultError);
        }
        return this.finish("Completed", "onCompletion", value, undefined, result);
      }
      // A run stopped from outside (cancel, SIGTERM) is not retried.
      if (!this.controller.signal.aborted && (await shouldRetry(this.options.retry, attempt, error).catch(() => false))) {
        const { clock, sleep, random } = getEngineEffects();
        const delaySeconds = retryDelaySeconds(this.options.retry, attempt, error, random);
        const scheduledTime = new Date(clock.now().getTime() + delaySeconds * 1000).toISOString();
        const message = `retry ${attempt} of ${this.options.retry.retries} in ${delaySeconds} s after: ${errorMessage(error)}`;
        const decided = await this.propose(makeState("AwaitingRetry", { now: clock.now(), scheduledTime, message, error: toStoredError(error) }));
        if (decided.state.type === "SCHEDULED") {
          logRetry(this.logTarget(), "flow", this.options.name, attempt + 1, this.options.retry.retries + 1, delaySeconds);
          if (delaySeconds > 0) await sleep(delaySeconds * 1000, this.controller.signal);
          continue;
        }
      }
      return this.finish(isTimedOut ? "TimedOut" : "Failed", "onFailure", undefined, error);
    }
  }

  // Propose Running (Retrying after the first attempt); null when started, else the refusal.
  private async start(attempt: number): Promise<RunOutcome | null> {
    for (;;) {
      // The first beat goes with the proposal that starts the run (see startHeartbeat).
      const decided = await this.propose(makeState(attempt === 1 ? "Running" : "Retrying", { now: getEngineEffects().clock.now() }), this.startBeat ?? undefined);
      if (attempt === 1) this.startAnswered();
      if (decided.status === "ACCEPT") {
        this.startBeat = null;
        return null;
      }
      if (decided.status === "WAIT") {
        await getEngineEffects().sleep(Math.max(0.05, decided.retryAfterSeconds ?? 1) * 1000, this.controller.signal);
        if (!this.controller.signal.aborted) continue;
      }
      const error = new WeirError("CONFLICT", `flow run ${this.id} was not started: ${decided.reason ?? decided.status}`);
      return { state: decided.state, value: undefined, error, isFailed: true };
    }
  }

  // The reuse index of this attempt; null (every task runs) when it cannot be read, with a warning.
  private loadReuse(): Promise<ReuseIndex | null> {
    const loading = this.input.buffer.flush().then(() => loadReuseIndex(this.input.client, this.id));
    return loading.then(
      (index) => {
        if (index.choice.mode === "fresh") recordLog(this.scope, "INFO", "retry with --fresh: every task runs again");
        else if (index.note !== null) recordLog(this.scope, "WARNING", index.note);
        return index;
      },
      (error: unknown) => {
        recordLog(this.scope, "WARNING", `finished task runs of earlier attempts could not be read, every task runs again: ${errorMessage(error)}`);
        return null;
      },
    );
  }

  private async runBody(): Promise<{ value: unknown; error: unknown; isFailed: boolean; isTimedOut: boolean }> {
    const link = linkedController(this.controller.signal);
    this.scope.signal = link.controller.signal;
    try {
      const value = this.options.timeoutMs === null
        ? await runScopeStorage.run(this.scope, this.body, this.input.parameters)
        : await runWithTimeout(() => runScopeStorage.run(this.scope, this.body, this.input.parameters), this.options.timeoutMs, link.controller, `flow run '${this.input.flowRun.name}'`);
      await Promise.allSettled([...this.scope.pendingTasks]);
      return { value, error: undefined, isFailed: false, isTimedOut: false };
    } catch (error) {
      const isTimedOut = error instanceof RunTimeoutError && link.controller.signal.reason === error;
      if (!isTimedOut && !this.controller.signal.aborted) await Promise.allSettled([...this.scope.pendingTasks]);
      else if (stopKindOf(this.controller.signal.reason) !== null) await this.settleStoppedTasks();
      return { value: undefined, error, isFailed: true, isTimedOut };
    } finally {
      link.dispose();
    }
  }

  // Submitted tasks were told through their signal: a moment to record how they ended (Cancelled).
  private async settleStoppedTasks(): Promise<void> {
    const waiting = new AbortController();
    await Promise.race([Promise.allSettled([...this.scope.pendingTasks]), getEngineEffects().sleep(STOPPED_TASKS_GRACE_MS, waiting.signal)]);
    waiting.abort();
  }

  private async finish(name: StateName, hook: HookName, value: unknown, error: unknown, result: State["result"] = null): Promise<RunOutcome> {
    const now = getEngineEffects().clock.now();
    const stored = error === undefined ? null : { ...toStoredError(error), isRetryable: false };
    let proposed = makeState(name, { now, result, error: stored, message: stored?.message ?? null });
    let decided = await this.propose(proposed);
    if (decided.status !== "ACCEPT" && decided.state.type === "CANCELLING") {
      // Cancelled while finishing: the run can only become Cancelled now.
      proposed = makeState("Cancelled", { now, message: "cancelled while finishing" });
      decided = await this.propose(proposed);
      hook = "onCancellation";
    }
    this.finalState = decided.state;
    logFinished(this.logTarget(), decided.state);
    const isFailed = decided.state.type !== "COMPLETED";
    const outcomeError = isFailed ? (error ?? new WeirError("CONFLICT", `flow run ${this.id} ended ${decided.state.name}: ${decided.reason ?? ""}`)) : undefined;
    await this.fire(hook, { state: decided.state, value, error: outcomeError });
    return { state: decided.state, value: isFailed ? undefined : value, error: outcomeError, isFailed };
  }

  // suspendFlowRun() made the run Suspended: this execution ends with no final state of its own.
  private async suspended(signal: FlowRunSuspendedSignal): Promise<RunOutcome> {
    const current = await this.input.client.readFlowRun(this.id);
    this.finalState = current.state;
    recordLog(this.scope, "INFO", `Flow run '${this.input.flowRun.name}' is ${current.stateName}: its process is released, and a worker runs it again once it is resumed`);
    return { state: current.state, value: undefined, error: signal, isFailed: true };
  }

  // Its process was told to stop: a worker cancelling the run (the server says Cancelling), or
  // the host going away, which is no failure of the flow's own: Crashed, so a retry may run it.
  private async stoppedBySignal(): Promise<RunOutcome> {
    const reason: unknown = this.controller.signal.reason;
    const current = await this.input.client.readFlowRun(this.id).catch(() => null);
    if (current?.stateType === "CANCELLING" || current?.stateType === "CANCELLED") return this.finish("Cancelled", "onCancellation", undefined, reason);
    return this.crash(reason);
  }

  private async crash(error: unknown): Promise<RunOutcome> {
    // Only a deployment run has someone (a worker) to pick up a server-side retry of a crash.
    const stored = { ...toStoredError(error), ...(this.input.flowRun.deploymentId === null ? { isRetryable: false } : {}) };
    const state = makeState("Crashed", { now: getEngineEffects().clock.now(), message: errorMessage(error), error: stored });
    let decided: OrchestrationResult | null = null;
    try {
      decided = await this.propose(state);
    } catch {
      // The store itself failed; crash detection will mark the run from missed heartbeats.
    }
    this.finalState = decided?.state ?? state;
    logRunException(this.logTarget(), error);
    logFinished(this.logTarget(), this.finalState);
    await this.fire("onCrashed", { state: this.finalState, error });
    return { state: this.finalState, value: undefined, error, isFailed: true };
  }

  private logTarget(): RunLogTarget {
    return { buffer: this.input.buffer, flowRunId: this.id, taskRunId: null, who: `Flow run '${this.input.flowRun.name}'` };
  }

  private propose(proposed: State, heartbeat?: ProposeStateInput["heartbeat"]): Promise<OrchestrationResult> {
    const state = redactStateText(proposed);
    return this.input.client.setFlowRunState(this.id, { state, transitionId: state.id, ...(heartbeat === undefined ? {} : { heartbeat }) }).then((decided) => {
      this.finalState = decided.state;
      return decided;
    });
  }

  private async fire(hook: HookName, context: { state: State; value?: unknown; error?: unknown }): Promise<void> {
    const hooks: readonly FlowHook[] = this.options.hooks[hook];
    for (const fn of hooks) {
      try {
        await fn({ flowRunId: this.id, flowName: this.options.name, parameters: this.input.parameters, ...context });
      } catch (hookError) {
        recordLog(this.scope, "ERROR", `${hook} hook ${fn.name || "(anonymous)"} of flow '${this.options.name}' failed: ${errorMessage(hookError)}`);
      }
    }
  }

  // Heartbeats every interval from now; the first one is sent by `startAnswered`.
  private startHeartbeat(): NodeJS.Timeout {
    // A run this process starts beats first with its Running proposal (no request of its own).
    if (this.input.isHeartbeating && !this.input.isStarted) this.startBeat = heartbeatIdentity();
    const timer = setInterval(() => this.heartbeat(), heartbeatIntervalSeconds() * 1000);
    timer.unref();
    return timer;
  }

  private heartbeat(): void {
    this.input.client
      .heartbeatFlowRun(this.id, heartbeatIdentity())
      .then((run) => {
        if (run.stateType === "CANCELLING" || run.stateType === "CANCELLED") this.controller.abort(new FlowRunCancelledError(this.id));
      })
      .catch(() => undefined);
  }
}

type HookName = keyof CompiledFlowOptions["hooks"];

/** What a heartbeat of this process records: who executes the run, and how often it beats (whole seconds, at least 1, as the store keeps them). */
function heartbeatIdentity(): { infrastructurePid: string; heartbeatIntervalSeconds: number } {
  return { infrastructurePid: `${hostname()}:${process.pid}`, heartbeatIntervalSeconds: Math.max(1, Math.ceil(heartbeatIntervalSeconds())) };
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function linkedAbort(signal: AbortSignal | undefined, controller: AbortController): () => void {
  if (signal === undefined) return () => undefined;
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => undefined;
  }
  const onAbort = (): void => controller.abort(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  return () => signal.removeEventListener("abort", onAbort);
}
