/**
 * `TaskRunExecution`: one task run driven to its final state once `runTask` (run-task.ts) has
 * admitted and named it: reuse of an earlier flow attempt's result, Pending (upstream futures,
 * the cache lookup, concurrency slots), the attempts with their retries and timeouts, then the
 * final state with its result, logs and hooks. The life of a task run is told in the header of
 * run-task.ts; that file decides when a run starts and with which fields, this one what it does.
 */
import { systemClock, type Clock } from "../core/clock.js";
import type { State, StateName } from "../core/states.js";
import { STATE_TYPE_OF_NAME } from "../core/states.js";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { concurrencyLeaseSeconds, leaseRenewerFor } from "./concurrency-lease-renewer.js";
import { stopKindOf } from "./flow-run-stop.js";
import { getEngineEffects } from "./engine-effects.js";
import { logFinished, logRetry, logRunException, type RunLogTarget } from "./failure-log.js";
import { persistResult, readResult } from "./result-storage.js";
import { inheritResultSettings } from "./results/compile-result-options.js";
import type { ResultSettings } from "./results/persist-result.js";
import { retryDelaySeconds, shouldRetry } from "./retry-policy.js";
import { recordLog } from "./run-logger.js";
import type { ReuseCandidate, ReuseIndex } from "./reuse-index.js";
import { inlineResultOf, type ReuseDetails } from "./reuse-key.js";
import type { RunOutcome } from "./run-outcome.js";
import { runScopeStorage } from "./run-scope.js";
import type { FlowRunScope, RunScope, TaskRunScope } from "./run-scope.js";
import { linkedController, runWithTimeout } from "./run-with-timeout.js";
import type { RunWriteBuffer, TaskRunFields } from "./run-write-buffer.js";
import { toStoredError } from "./stored-error.js";
import { isCacheEntryUsable, taskCacheKey } from "./task-cache.js";
import { timeOrderedId } from "./time-ordered-id.js";
import type { CompiledTaskOptions, TaskHook } from "./task-options.js";
import { upstreamFailure } from "./upstream-failure.js";
import { executorOf } from "./placement/task-executors.js";
import type { WaitForItem } from "./upstream-failure.js";
import { redactStateText } from "./secret-redaction.js";
import type { TracedTaskRun } from "./run-tracing.js";

/** The live handle of a task run: its id (known at once) and its latest state. */
export interface TaskRunHandle {
  readonly id: string;
  state: State | null;
}

/** The task function as the engine calls it. */
export type TaskBody = (...args: unknown[]) => unknown;

const NEVER_ABORTED = new AbortController().signal;

/** One task run, from its start to its final state (see the file header). */
export class TaskRunExecution {
  // Whether an attempt failed: the run then logs its final state (a first-time success stays quiet, see failure-log.ts).
  private hasFailedAttempt = false;
  // Attempts started (for its span when traces are on).
  private attemptCount = 0;

  constructor(
    private readonly options: CompiledTaskOptions,
    private readonly body: TaskBody,
    private readonly args: readonly unknown[],
    private readonly handle: TaskRunHandle,
    private readonly fields: TaskRunFields,
    private readonly client: OrchestrationApi,
    private readonly buffer: RunWriteBuffer,
    private readonly flow: FlowRunScope | null,
    private readonly parent: RunScope | undefined,
    private readonly reuseKey: string | null,
  ) {}

  /** Run it to its final state: reuse an earlier attempt's result, wait for what it needs, or go straight to its attempts. */
  start(reuse: Promise<ReuseIndex | null> | null, reuseKey: string | null, waitFor: readonly WaitForItem[] | undefined, hasToWait: boolean): Promise<RunOutcome> {
    if (reuse !== null && reuseKey !== null) return this.reuseOrRun(reuse, reuseKey, waitFor, hasToWait);
    return hasToWait ? this.waitThenExecute(waitFor) : this.attempts(null);
  }

  /** What its span reports (run-tracing.ts). */
  traced(flowRunId: string): TracedTaskRun {
    return {
      taskRunId: this.handle.id,
      taskRunName: this.fields.name,
      taskName: this.options.name,
      flowRunId,
      state: () => this.handle.state,
      attempts: () => this.attemptCount,
    };
  }

  /** On a retry attempt: reuse the result of an earlier attempt's run with the same key, else run as usual. */
  async reuseOrRun(index: Promise<ReuseIndex | null>, reuseKey: string, waitFor: readonly WaitForItem[] | undefined, hasToWait: boolean): Promise<RunOutcome> {
    const candidate = (await index)?.take(reuseKey) ?? null;
    if (candidate !== null) {
      const reused = await this.reuse(candidate);
      if (reused !== null) return reused;
    }
    return hasToWait ? this.waitThenExecute(waitFor) : this.attempts(null);
  }

  // Cached with the earlier run's result; null (the task runs) when that result cannot be read here.
  private async reuse(candidate: ReuseCandidate): Promise<RunOutcome | null> {
    const { details, state, taskRunId } = candidate;
    let value: unknown;
    if (details.isUndefined !== true) {
      try {
        value = await readResult(state.result!);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (this.flow !== null) recordLog(this.flow, "WARNING", `task '${this.options.name}': the result of task run ${taskRunId} (attempt ${details.flowAttempt}) cannot be read here, so it runs again: ${reason}`);
        return null;
      }
    }
    await this.setState("Pending");
    await this.setState("Cached", {
      message: `reused from attempt ${details.flowAttempt} (task run ${taskRunId})`,
      details: { ...details },
      ...(state.result === null || state.result === undefined ? {} : { result: state.result }),
    });
    return this.complete(value);
  }

  // What a Completed state carries so that a retry of the flow run can reuse it (nothing when it cannot).
  private reusable(value: unknown, result: State["result"]): Partial<State> | undefined {
    if (this.reuseKey === null) return result === null || result === undefined ? undefined : { result };
    const details: ReuseDetails = { reuseKey: this.reuseKey, flowAttempt: this.flow?.flowAttempt ?? 1 };
    if (result !== null && result !== undefined) return { result, details: { ...details } };
    const inline = inlineResultOf(value);
    if (inline === undefined) return { details: { ...details, isUndefined: true } };
    return inline === null ? undefined : { result: inline, details: { ...details } };
  }

  setState(name: StateName, extra?: Partial<Omit<State, "type" | "name">>): Promise<void> | undefined {
    // The hot path stores only the fields a state has (smaller JSON to write per task).
    const state: State = { id: timeOrderedId(), type: STATE_TYPE_OF_NAME[name], name, timestamp: isoNow(getEngineEffects().clock) };
    if (extra !== undefined) Object.assign(state, redactStateText(extra));
    this.handle.state = state;
    return this.buffer.addTaskRunState(this.fields, state);
  }

  /** Pending first: upstream futures, a cache lookup, a concurrency slot (see the file header). */
  async waitThenExecute(waitFor: readonly WaitForItem[] | undefined): Promise<RunOutcome> {
    const { options, flow } = this;
    let cacheKey: string | null = null;
    try {
      if (options.cache !== null) {
        cacheKey = taskCacheKey(options.cache, { taskKey: options.taskKey, taskName: options.name, flowRunId: flow?.flowRunId ?? null, parameters: flow?.parameters ?? {} }, this.args, this.body);
        this.fields.cacheKey = cacheKey;
      }
    } catch (error) {
      await this.setState("Pending");
      return this.fail(error, "Failed");
    }
    const pushed = this.setState("Pending");
    if (pushed !== undefined) await pushed;
    if (waitFor !== undefined && waitFor.length > 0) {
      const failure = await upstreamFailure(waitFor);
      if (failure !== null) return this.fail(failure, "Failed");
    }
    if (cacheKey !== null && options.cache?.refresh === false) {
      const cached = await this.fromCache(cacheKey, getEngineEffects().clock.now());
      if (cached !== null) return cached;
    }
    return this.execute(cacheKey);
  }

  async fromCache(cacheKey: string, now: Date): Promise<RunOutcome | null> {
    // Results of earlier runs in this process may still sit in the buffer.
    await this.buffer.flush();
    const hit = await this.client.findCachedTaskRun(cacheKey, now.toISOString());
    if (hit === null || hit.state.result === null || hit.state.result === undefined) return null;
    let value: unknown;
    try {
      value = await readResult(hit.state.result, this.resultSettings());
    } catch {
      return null;
    }
    const entry = { value, key: cacheKey, taskRunId: hit.taskRunId, expiresAt: hit.expiresAt, args: this.args };
    if (!(await isCacheEntryUsable(this.options.cache!, entry, this.options.name, this.logTarget()))) return null;
    this.fields.cacheExpiration = hit.expiresAt;
    this.buffer.updateTaskRunFields(this.fields);
    await this.setState("Cached", { result: hit.state.result, message: `cached result of task run ${hit.taskRunId}` });
    return this.complete(value);
  }

  async execute(cacheKey: string | null): Promise<RunOutcome> {
    const limiter = this.flow?.taskLimiter ?? null;
    const waitSlot = limiter?.acquire();
    if (waitSlot !== undefined) await waitSlot;
    let leaseId: string | null = null;
    try {
      if (this.options.tags.length > 0) leaseId = await this.acquireTagSlots();
      return await this.attempts(cacheKey);
    } finally {
      limiter?.release();
      if (leaseId !== null) await leaseRenewerFor(this.client).release(leaseId);
    }
  }

  /**
   * Lease a slot of each tag limit, waiting while one is full; the lease is renewed until
   * released (concurrency-lease-renewer.ts). Null when no tag has a limit, or the flow stopped
   * while waiting (`attempts` then ends the run).
   */
  private async acquireTagSlots(): Promise<string | null> {
    const { sleep } = getEngineEffects();
    const signal = this.flow?.signal;
    const leaseSeconds = concurrencyLeaseSeconds();
    // The flow run holds the slot when there is one: the server frees it once that run has ended (e.g. Crashed).
    const holderId = this.flow?.flowRunId ?? this.handle.id;
    for (let isWaiting = false; ; isWaiting = true) {
      const lease = await this.client.acquireConcurrencySlots({ tags: [...this.options.tags], holderId, leaseSeconds });
      if (lease !== null) {
        if (lease.tags.length === 0) return null;
        leaseRenewerFor(this.client).hold(lease.id, leaseSeconds);
        return lease.id;
      }
      if (!isWaiting) await this.setState("AwaitingConcurrencySlot", { message: `waiting for a slot of tags ${this.options.tags.join(", ")}` });
      await sleep(500, signal);
      if (signal?.aborted) return null;
    }
  }

  /** Run attempts until one succeeds or no retry is left. */
  async attempts(cacheKey: string | null): Promise<RunOutcome> {
    const { options } = this;
    const flowSignal = this.parent?.signal ?? NEVER_ABORTED;
    for (let attempt = 1; ; attempt += 1) {
      // No attempt starts once the flow run is stopped (cancelled, timed out, or ended in the store).
      if (flowSignal.aborted) return this.notStarted(flowSignal.reason);
      this.attemptCount = attempt;
      const backlog = this.setState(attempt === 1 ? "Running" : "Retrying");
      if (backlog !== undefined) await backlog;
      let signal = flowSignal;
      let link: ReturnType<typeof linkedController> | null = null;
      if (options.timeoutMs !== null) {
        link = linkedController(flowSignal);
        signal = link.controller.signal;
      }
      const scope: TaskRunScope = {
        kind: "task",
        flow: this.flow,
        client: this.client,
        buffer: this.buffer,
        taskRunId: this.handle.id,
        taskRunName: this.fields.name,
        taskName: options.name,
        attempt,
        signal,
        args: this.args,
      };
      let value: unknown;
      try {
        // A task placed on a task queue or in a thread runs through its executor (placement/).
        const execute = executorOf(options, this.body);
        value = link === null
          ? await runScopeStorage.run(scope, execute, ...this.args)
          : await runWithTimeout(() => runScopeStorage.run(scope, execute, ...this.args), options.timeoutMs!, link.controller, `task run '${this.fields.name}'`);
      } catch (error) {
        link?.dispose();
        const isTimeout = link !== null && link.controller.signal.reason === error;
        // A flow stopped from outside (cancelled, its process told to stop) retries none of its tasks.
        const isStopped = stopKindOf(flowSignal.reason) !== null;
        this.hasFailedAttempt = true;
        if (!isStopped) logRunException(this.logTarget(), error);
        if (!isStopped && (await shouldRetry(options.retry, attempt, error).catch(() => false))) {
          const { sleep, clock, random } = getEngineEffects();
          const delaySeconds = retryDelaySeconds(options.retry, attempt, error, random);
          const scheduledTime = new Date(clock.now().getTime() + delaySeconds * 1000).toISOString();
          await this.setState("AwaitingRetry", { scheduledTime, message: `retry ${attempt} of ${options.retry.retries} in ${delaySeconds} s`, error: toStoredError(error) });
          logRetry(this.logTarget(), "task", options.name, attempt + 1, options.retry.retries + 1, delaySeconds);
          if (delaySeconds > 0) await sleep(delaySeconds * 1000, flowSignal);
          if (stopKindOf(flowSignal.reason) !== null) return this.fail(error, "Cancelled");
          continue;
        }
        return this.fail(error, isTimeout ? "TimedOut" : isStopped ? "Cancelled" : "Failed");
      }
      link?.dispose();
      if (cacheKey !== null || this.options.persistResult || this.options.onCompletion.length > 0) return this.succeed(value, cacheKey, scope);
      // The common case, inline: no result to store, no hook to run.
      const completed = this.setState("Completed", this.reuseKey === null ? undefined : this.reusable(value, null));
      if (completed !== undefined) await completed;
      if (this.hasFailedAttempt) logFinished(this.logTarget(), this.handle.state!);
      return { state: this.handle.state!, value, error: undefined, isFailed: false };
    }
  }

  private async succeed(value: unknown, cacheKey: string | null, scope: TaskRunScope): Promise<RunOutcome> {
    let result: State["result"] = null;
    if (this.options.persistResult || cacheKey !== null) {
      try {
        result = await persistResult(value, `result of task '${this.options.name}'`, this.resultSettings());
      } catch (error) {
        recordLog(scope, "WARNING", error instanceof Error ? error.message : String(error));
        return this.fail(error, "Failed");
      }
      const expiration = this.options.cache?.expirationSeconds ?? null;
      if (cacheKey !== null && expiration !== null) {
        this.fields.cacheExpiration = new Date(getEngineEffects().clock.now().getTime() + expiration * 1000).toISOString();
        this.buffer.updateTaskRunFields(this.fields);
      }
    }
    const backlog = this.setState("Completed", this.reusable(value, result));
    if (backlog !== undefined) await backlog;
    return this.complete(value);
  }

  private resultSettings(): ResultSettings {
    return inheritResultSettings(this.options.results, this.flow?.results);
  }

  private async complete(value: unknown): Promise<RunOutcome> {
    const state = this.handle.state!;
    if (this.hasFailedAttempt) logFinished(this.logTarget(), state);
    if (this.options.onCompletion.length > 0) await this.runHooks(this.options.onCompletion, state, value, undefined);
    return { state, value, error: undefined, isFailed: false };
  }

  /** The flow run stopped before this task run could start: it ends Cancelled, its call rejects with the reason. */
  private async notStarted(reason: unknown): Promise<RunOutcome> {
    const message = `not started: ${reason instanceof Error ? reason.message : String(reason)}`;
    await this.setState("Cancelled", { message });
    return { state: this.handle.state!, value: undefined, error: reason, isFailed: true };
  }

  async fail(error: unknown, name: "Failed" | "TimedOut" | "Cancelled"): Promise<RunOutcome> {
    const message = error instanceof Error ? error.message : String(error);
    await this.setState(name, { message, error: toStoredError(error) });
    const state = this.handle.state!;
    logFinished(this.logTarget(), state);
    if (name !== "Cancelled" && this.options.onFailure.length > 0) await this.runHooks(this.options.onFailure, state, undefined, error);
    return { state, value: undefined, error, isFailed: true };
  }

  private logTarget(): RunLogTarget {
    return { buffer: this.buffer, flowRunId: this.fields.flowRunId, taskRunId: this.handle.id, who: `Task run '${this.fields.name}'` };
  }

  private async runHooks(hooks: readonly TaskHook[], state: State, value: unknown, error: unknown): Promise<void> {
    for (const hook of hooks) {
      try {
        await hook({ taskRunId: this.handle.id, taskName: this.options.name, flowRunId: this.flow?.flowRunId ?? null, state, value, error, args: this.args });
      } catch (hookError) {
        const scope = this.parent ?? null;
        const text = `hook ${hook.name || "(anonymous)"} of task '${this.options.name}' failed: ${hookError instanceof Error ? hookError.message : String(hookError)}`;
        if (scope !== null) recordLog(scope, "ERROR", text);
        else process.stderr.write(`weir: ${text}\n`);
      }
    }
  }
}

let isoMs = -1;
let isoText = "";

/** The clock's time as ISO text; on the real clock, built once per millisecond (a task stamps two states). */
function isoNow(clock: Clock): string {
  if (clock !== systemClock) return clock.now().toISOString();
  const ms = Date.now();
  if (ms !== isoMs) {
    isoMs = ms;
    isoText = new Date(ms).toISOString();
  }
  return isoText;
}
