/**
 * `sleepUntil(date)`: wait inside a flow until a time. A short wait (up to the suspend threshold,
 * `WEIR_SUSPEND_THRESHOLD_SECONDS`, default 300 s) sleeps in this process and ends early when the
 * run is cancelled. A longer one, in a run of a deployment, **suspends** the run instead of
 * holding a process: the run goes Suspended with `details.wakeAt`, this execution ends and the
 * process exits; when the time comes the server's late-runs loop schedules the run again
 * (src/orchestration/maintenance/resume-due-waits.ts) and any worker of its pool runs the flow
 * from the top, reusing the tasks that finished (as `suspendFlowRun` does). There, the same
 * `sleepUntil` call (matched by call order, or `key`) sees its wait answered and returns at once,
 * so a target computed from `Date.now()` does not start the wait over. Outside a deployment run
 * (a flow called in a script) nothing could start the run again, so a long wait sleeps here too.
 */
import { WeirError } from "../core/weir-error.js";
import { makeState } from "../core/states.js";
import { getEngineEffects } from "./engine-effects.js";
import { answeredPause, compilePause } from "./pause-point.js";
import { currentFlowScope, runScopeStorage } from "./run-scope.js";
import { FlowRunSuspendedSignal } from "./suspend-flow-run.js";

/** Default of `WEIR_SUSPEND_THRESHOLD_SECONDS`. */
export const DEFAULT_SUSPEND_THRESHOLD_SECONDS = 300;

// setTimeout holds at most 2^31-1 ms; longer in-process waits sleep a day at a time.
const MAX_SLEEP_CHUNK_MS = 86_400_000;

/** Options of {@link sleepUntil}. */
export interface SleepUntilOptions {
  /** Waits longer than this suspend the run (its process exits) instead of sleeping here. @default WEIR_SUSPEND_THRESHOLD_SECONDS, else 300 */
  suspendAfterSeconds?: number;
  /** Names this wait among the flow's waits and pauses (a resumed run matches them by key). @default "pause-N", by call order */
  key?: string;
}

/** The suspend threshold: `WEIR_SUSPEND_THRESHOLD_SECONDS` (a number ≥ 0) or 300. */
export function suspendThresholdSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.WEIR_SUSPEND_THRESHOLD_SECONDS;
  if (text === undefined || text.trim() === "") return DEFAULT_SUSPEND_THRESHOLD_SECONDS;
  const seconds = Number(text);
  if (!Number.isFinite(seconds) || seconds < 0) {
    throw WeirError.validation("settings", [{ path: "WEIR_SUSPEND_THRESHOLD_SECONDS", message: `must be a number of seconds ≥ 0, got '${text}'` }]);
  }
  return seconds;
}

/** A time given as a Date, an ISO-8601 string or epoch milliseconds, in epoch milliseconds. */
export function wakeTimeMs(when: Date | string | number, fn: string): number {
  const ms = when instanceof Date ? when.getTime() : typeof when === "string" ? Date.parse(when) : typeof when === "number" ? when : Number.NaN;
  if (!Number.isFinite(ms)) throw WeirError.validation(`${fn}()`, [{ path: "date", message: `must be a Date, an ISO-8601 time or epoch milliseconds, got ${String(when)}` }]);
  return ms;
}

/** Sleep in this process until `untilMs` or until `signal` aborts (then throw its reason). */
export async function sleepInProcess(untilMs: number, signal: AbortSignal | undefined): Promise<void> {
  const { clock, sleep } = getEngineEffects();
  for (let left = untilMs - clock.now().getTime(); left > 0 && !signal?.aborted; left = untilMs - clock.now().getTime()) {
    await sleep(Math.min(left, MAX_SLEEP_CHUNK_MS), signal);
  }
  if (signal?.aborted) throw signal.reason;
}

/**
 * Wait until `when` (see file header): in this process up to the suspend threshold, beyond it by
 * suspending the run, which the server resumes at that time on any worker.
 * @example await sleepUntil(new Date(Date.parse(getRunContext().scheduledTime!) + 6 * 3600_000));
 */
export async function sleepUntil(when: Date | string | number, options: SleepUntilOptions = {}): Promise<void> {
  const untilMs = wakeTimeMs(when, "sleepUntil");
  const threshold = options.suspendAfterSeconds ?? suspendThresholdSeconds();
  if (typeof threshold !== "number" || !Number.isFinite(threshold) || threshold < 0) {
    throw WeirError.validation("sleepUntil options", [{ path: "suspendAfterSeconds", message: "must be a number ≥ 0" }]);
  }
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  // In a task, or outside any run, nothing can be suspended: sleep here.
  if (flow === null || scope?.kind === "task") return sleepInProcess(untilMs, scope?.kind === "task" ? scope.flow?.signal : flow?.signal);
  const { clock } = getEngineEffects();
  const leftMs = untilMs - clock.now().getTime();
  const pause = compilePause("sleepUntil", { timeoutSeconds: Math.max(1, leftMs / 1000), ...(options.key === undefined ? {} : { key: options.key }) });
  if (leftMs <= 0) return;
  // Woken (or resumed by hand) after a suspension in this attempt: the wait is over.
  if ((await answeredPause(flow.client, flow.flowRunId, pause.key)) !== undefined) return;
  if (leftMs <= threshold * 1000 || flow.deploymentId === null) return sleepInProcess(untilMs, flow.signal);
  await Promise.allSettled([...flow.pendingTasks]);
  await flow.buffer.flush();
  const wakeAt = new Date(untilMs).toISOString();
  const suspended = makeState("Suspended", {
    now: clock.now(),
    scheduledTime: wakeAt,
    message: `sleeping until ${wakeAt}; resumes on a worker then`,
    details: { pauseKey: pause.key, wakeAt, waitFor: "a time" },
  });
  const decided = await flow.client.setFlowRunState(flow.flowRunId, { state: suspended, transitionId: suspended.id });
  if (decided.status !== "ACCEPT") throw new WeirError("CONFLICT", `${pause.owner} could not suspend to sleep: ${decided.reason ?? decided.status}`);
  throw new FlowRunSuspendedSignal(flow.flowRunId);
}
