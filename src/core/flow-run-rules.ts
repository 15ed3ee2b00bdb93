/**
 * Flow-run orchestration rules, as data: for every (current state type, proposed state type)
 * the decision ACCEPT / REJECT / WAIT / ABORT and its reason. Clients propose; the service layer
 * (src/orchestration/apply-flow-run-state.ts) asks `decideFlowRunTransition` and applies.
 *
 * The states (see src/core/states.ts for names):
 * - SCHEDULED (Scheduled, Late, AwaitingRetry, AwaitingConcurrencySlot): waits for its due time
 *   (`scheduledTime`); a worker claims it by moving it to Pending (once only), a served or
 *   in-process executor may move it straight to Running once due (earlier → WAIT).
 * - PENDING: claimed, the process is starting. Never Pending again (a second claim is rejected).
 *   A crash here (the worker died between claim and start) happened before the body ran: the run
 *   of a deployment goes back to Scheduled without counting an attempt or spending a retry (see
 *   "Crash before start" below); a run with no deployment (nothing could claim it again) ends
 *   Crashed as any other crash.
 * - RUNNING (Running, Retrying): the body executes. Ends Completed / Failed / Crashed /
 *   Cancelled, pauses, or is asked to stop (Cancelling). A failed (or crashed) attempt with
 *   retries left and a retryable error becomes AwaitingRetry (see substitution below).
 * - PAUSED (Paused, Suspended): waits for `resumeFlowRun` (Paused → Running, Suspended →
 *   Scheduled); a plain proposal of Running/Scheduled is rejected. A pause may time out (Failed)
 *   or be cancelled. Only a run of a deployment may be Suspended (its process exits, and only a
 *   worker or runner can start it again), and resuming continues the same attempt: the Running
 *   after a resume does not count a run (see "Start markers" below).
 * - CANCELLING: cancellation asked for, the executor is stopping; leads only to Cancelled.
 * - COMPLETED, FAILED, CANCELLED, CRASHED: terminal. Only `retryFlowRun` moves them (to
 *   Scheduled), and only for a run of a deployment (a run without one would wait forever: no
 *   worker can load it). Proposing Pending/Running on a terminal or cancelling run is ABORT: the
 *   caller must stop executing.
 *
 * Retry substitution: when an attempt fails (FAILED or CRASHED proposed from PENDING/RUNNING),
 * the error is retryable (`error.isRetryable !== false`) and attempts so far ≤ retries, the
 * decision is ACCEPT of a *substituted* state: the proposed failure is recorded in the history
 * and the run's current state becomes AwaitingRetry with `scheduledTime = now + delay`; the
 * result's `state` is that AwaitingRetry state. The executor that gets it back waits until
 * `scheduledTime` and proposes Running again (or a worker claims it then).
 *
 * Crash before start: CRASHED proposed from PENDING, for a run of a deployment, with an error that
 * is not marked non-retryable, is ACCEPT of a substituted `Scheduled` state due now ("rescheduled:
 * crashed before it started"): the crash is recorded, the run goes back to the queue, its run
 * count is unchanged and no retry is spent. At most {@link MAX_CRASHES_BEFORE_START} times in a
 * row (a run whose process can never start must end): the next such crash follows the retry rules.
 *
 * Start markers: two facts about a run waiting to start are kept in its state's `details`, and
 * carried from state to state while it stays SCHEDULED/PENDING (Late, AwaitingConcurrencySlot,
 * Pending, …) until it runs: `resuming` (set when a Suspended run is resumed; the Running that
 * follows continues that attempt and does not count a run) and `crashesBeforeStart` (how many
 * times in a row it crashed while Pending).
 *
 * Idempotency (transition ids), `force` and deployment concurrency limits (they need the
 * database) are handled by the service layer, not here.
 */
import type { OrchestrationStatus } from "./api-types.js";
import type { RetryPolicy } from "./models.js";
import { makeState, type State, type StateName, type StateType } from "./states.js";

/** How a transition may be entered besides a plain proposal. */
export type TransitionVia = "propose" | "resume" | "retry";

/** One cell of the table. */
export interface FlowRunRule {
  status: OrchestrationStatus;
  reason: string;
  /** ACCEPT when entered through this API (resumeFlowRun / retryFlowRun), else `status` (REJECT). */
  onlyVia?: Exclude<TransitionVia, "propose">;
  /** WAIT (instead of ACCEPT) while the current state's scheduledTime is in the future. */
  waitsUntilDue?: boolean;
  /** Apply retry substitution (see header). */
  retriesOnFailure?: boolean;
  /** Per proposed state name: a different rule for that name. */
  byProposedName?: Partial<Record<StateName, FlowRunRule>>;
  /** REJECT with this reason when the run has no deployment (nothing could start it again). */
  needsDeployment?: string;
  /** Reschedule a crash instead (see "Crash before start" in the header). */
  reschedulesCrashBeforeStart?: boolean;
  /** Mark the accepted state `resuming` (see "Start markers" in the header). */
  marksResuming?: boolean;
}

/** Crashes in a row while Pending that are rescheduled for free; the next one is a crash like any other. */
export const MAX_CRASHES_BEFORE_START = 3;

const NO_DEPLOYMENT = "the run has no deployment, so no worker or runner could start it again";

const accept = (reason: string, extra: Partial<FlowRunRule> = {}): FlowRunRule => ({ status: "ACCEPT", reason, ...extra });
const reject = (reason: string, extra: Partial<FlowRunRule> = {}): FlowRunRule => ({ status: "REJECT", reason, ...extra });
const abort = (reason: string): FlowRunRule => ({ status: "ABORT", reason });

function terminalRow(what: string): Record<StateType, FlowRunRule> {
  const rejected = reject(`the run is ${what} (terminal); use retry to run it again`);
  return {
    SCHEDULED: reject(`the run is ${what} (terminal); only retry may reschedule it`, {
      onlyVia: "retry",
      needsDeployment: `${NO_DEPLOYMENT}: run the flow again instead of retrying it`,
    }),
    PENDING: abort(`the run is ${what}; do not start it`),
    RUNNING: abort(`the run is ${what}; stop executing it`),
    COMPLETED: rejected,
    FAILED: rejected,
    CANCELLING: rejected,
    CANCELLED: rejected,
    CRASHED: rejected,
    PAUSED: rejected,
  };
}

/** The table: FLOW_RUN_RULES[current type][proposed type]. */
export const FLOW_RUN_RULES: Readonly<Record<StateType, Readonly<Record<StateType, FlowRunRule>>>> = Object.freeze({
  SCHEDULED: {
    SCHEDULED: accept("rescheduled"),
    PENDING: accept("claimed", { waitsUntilDue: true }),
    RUNNING: accept("started", { waitsUntilDue: true }),
    COMPLETED: reject("a scheduled run must run before it completes"),
    FAILED: accept("failed before starting"),
    CANCELLING: reject("nothing is executing; propose Cancelled instead"),
    CANCELLED: accept("cancelled before starting"),
    CRASHED: accept("crashed before starting"),
    PAUSED: reject("only a running run can pause"),
  },
  PENDING: {
    SCHEDULED: accept("given back to the queue"),
    PENDING: reject("the run is already claimed (Pending)"),
    RUNNING: accept("started"),
    COMPLETED: reject("a pending run must run before it completes"),
    FAILED: accept("failed to start", { retriesOnFailure: true }),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled before starting"),
    CRASHED: accept("crashed while starting", { retriesOnFailure: true, reschedulesCrashBeforeStart: true }),
    PAUSED: reject("only a running run can pause"),
  },
  RUNNING: {
    SCHEDULED: reject("a running run can only move to AwaitingRetry among scheduled states", {
      byProposedName: { AwaitingRetry: accept("awaiting retry") },
    }),
    PENDING: reject("the run is already running"),
    RUNNING: reject("the run is already running"),
    COMPLETED: accept("completed"),
    FAILED: accept("failed", { retriesOnFailure: true }),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled"),
    CRASHED: accept("crashed", { retriesOnFailure: true }),
    PAUSED: accept("paused", {
      byProposedName: { Suspended: accept("suspended", { needsDeployment: `${NO_DEPLOYMENT} after it is suspended; pause it instead` }) },
    }),
  },
  COMPLETED: terminalRow("completed"),
  FAILED: terminalRow("failed"),
  CANCELLED: terminalRow("cancelled"),
  CRASHED: terminalRow("crashed"),
  CANCELLING: {
    SCHEDULED: reject("the run is cancelling; it can only become Cancelled"),
    PENDING: abort("the run is cancelling; do not start it"),
    RUNNING: abort("the run is cancelling; stop executing it"),
    COMPLETED: reject("the run is cancelling; it can only become Cancelled"),
    FAILED: reject("the run is cancelling; it can only become Cancelled"),
    CANCELLING: reject("the run is already cancelling"),
    CANCELLED: accept("cancelled"),
    CRASHED: reject("the run is cancelling; it can only become Cancelled"),
    PAUSED: reject("the run is cancelling; it can only become Cancelled"),
  },
  PAUSED: {
    SCHEDULED: reject("a paused run is rescheduled only by resume", {
      onlyVia: "resume",
      needsDeployment: `${NO_DEPLOYMENT}; cancel it instead`,
      marksResuming: true,
    }),
    PENDING: reject("a paused run must be resumed first"),
    RUNNING: reject("a paused run continues only by resume", { onlyVia: "resume" }),
    COMPLETED: reject("a paused run must be resumed before it completes"),
    FAILED: accept("failed while paused (e.g. pause timed out)"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled while paused"),
    CRASHED: accept("crashed while paused"),
    PAUSED: reject("the run is already paused"),
  },
});

/** The rule for a (current, proposed) pair, after per-name overrides. */
export function flowRunRuleFor(from: StateType, to: State | { type: StateType; name: StateName }): FlowRunRule {
  const rule = FLOW_RUN_RULES[from][to.type];
  return rule.byProposedName?.[to.name] ?? rule;
}

/** What the rules need to know besides the two states. */
export interface TransitionContext {
  now: Date;
  via: TransitionVia;
  /** Attempts started so far (the run's runCount). */
  runCount: number;
  retryPolicy: RetryPolicy;
  /** Whether the run belongs to a deployment (a worker or runner can start it again). */
  hasDeployment: boolean;
}

/** The outcome of a proposal. `recorded` are the states to append to the history, in order. */
export interface TransitionDecision {
  status: OrchestrationStatus;
  reason: string;
  /** The run's state after the decision (the current one unless ACCEPT). */
  state: State;
  /** States to append to the history (empty unless ACCEPT here; the service layer may park or cancel a run at its deployment's limit with a WAIT or ABORT that records one: deployment-slot-check.ts). */
  recorded: State[];
  retryAfterSeconds?: number;
}

/** Whether a state is marked `resuming`: the Running after it continues the attempt a Suspended run paused. */
export function isResumingState(state: Pick<State, "details"> | null): boolean {
  return state?.details?.resuming === true;
}

/** How many times in a row a waiting run crashed while Pending (its `crashesBeforeStart` marker). */
export function crashesBeforeStartOf(state: Pick<State, "details"> | null): number {
  const count = state?.details?.crashesBeforeStart;
  return typeof count === "number" ? count : 0;
}

// The start markers of `from` (see the header), when it is a run waiting to start.
function startMarkersOf(from: State): Record<string, unknown> {
  if (from.type !== "SCHEDULED" && from.type !== "PENDING") return {};
  const markers: Record<string, unknown> = {};
  if (isResumingState(from)) markers.resuming = true;
  const crashes = crashesBeforeStartOf(from);
  if (crashes > 0) markers.crashesBeforeStart = crashes;
  return markers;
}

// `state` with `markers` added to its details (own values win); the same object when nothing is added.
function withMarkers(state: State, markers: Record<string, unknown>): State {
  const missing = Object.keys(markers).filter((key) => state.details?.[key] === undefined);
  if (missing.length === 0) return state;
  const details = { ...state.details };
  for (const key of missing) details[key] = markers[key];
  return { ...state, details };
}

// Carry the start markers of `from` into the waiting states of an accepted decision.
function carryStartMarkers(from: State, decision: TransitionDecision, rule: FlowRunRule): TransitionDecision {
  const markers = { ...startMarkersOf(from), ...(rule.marksResuming ? { resuming: true } : {}) };
  if (Object.keys(markers).length === 0) return decision;
  const carry = (state: State): State => (state.type === "SCHEDULED" || state.type === "PENDING" ? withMarkers(state, markers) : state);
  const recorded = decision.recorded.map(carry);
  // An accepted decision's state is the last one it records.
  return { ...decision, recorded, state: recorded[recorded.length - 1] ?? decision.state };
}

/** Delay before retry number `attempt` (1-based): the last delay of the list repeats. */
export function retryDelaySecondsFor(policy: RetryPolicy, attempt: number): number {
  const delays = policy.retryDelaySeconds.length > 0 ? policy.retryDelaySeconds : [0];
  return delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
}

// A crash while Pending, rescheduled (see "Crash before start" in the header); null when it is not.
function rescheduleCrashBeforeStart(from: State, proposed: State, context: TransitionContext): TransitionDecision | null {
  if (!context.hasDeployment || proposed.error?.isRetryable === false) return null;
  const crashes = crashesBeforeStartOf(from) + 1;
  if (crashes > MAX_CRASHES_BEFORE_START) return null;
  const rescheduled = makeState("Scheduled", {
    now: context.now,
    scheduledTime: context.now.toISOString(),
    message: `rescheduled: crashed before it started (${crashes} of ${MAX_CRASHES_BEFORE_START} in a row): ${proposed.message ?? proposed.name}`,
    details: { crashesBeforeStart: crashes, crashedStateId: proposed.id },
  });
  return {
    status: "ACCEPT",
    reason: "crashed before the flow started: rescheduled without counting an attempt or spending a retry",
    state: rescheduled,
    recorded: [proposed, rescheduled],
  };
}

// A failed attempt with retries left, as AwaitingRetry (see "Retry substitution" in the header); null when none are left.
function substituteRetry(proposed: State, context: TransitionContext): TransitionDecision | null {
  if (proposed.error?.isRetryable === false) return null;
  const attempts = Math.max(context.runCount, 1);
  if (attempts > context.retryPolicy.retries) return null;
  const delaySeconds = retryDelaySecondsFor(context.retryPolicy, attempts);
  const retry = makeState("AwaitingRetry", {
    now: context.now,
    scheduledTime: new Date(context.now.getTime() + delaySeconds * 1000).toISOString(),
    message: `retry ${attempts} of ${context.retryPolicy.retries} in ${delaySeconds}s after: ${proposed.message ?? proposed.name}`,
    details: { failedStateId: proposed.id },
  });
  return {
    status: "ACCEPT",
    reason: `${proposed.name} with retries left: awaiting retry ${attempts} of ${context.retryPolicy.retries}`,
    state: retry,
    recorded: [proposed, retry],
  };
}

/** Decide a proposed state for a run whose current state is `from`. */
export function decideFlowRunTransition(from: State, proposed: State, context: TransitionContext): TransitionDecision {
  const rule = flowRunRuleFor(from.type, proposed);
  const refuse = (status: OrchestrationStatus, reason: string): TransitionDecision => ({ status, reason, state: from, recorded: [] });
  if (rule.onlyVia !== undefined) {
    if (context.via !== rule.onlyVia) return refuse(rule.status, rule.reason);
  } else if (rule.status !== "ACCEPT") {
    return refuse(rule.status, rule.reason);
  }
  if (rule.needsDeployment !== undefined && !context.hasDeployment) return refuse("REJECT", rule.needsDeployment);
  if (rule.waitsUntilDue && from.scheduledTime) {
    const waitMs = Date.parse(from.scheduledTime) - context.now.getTime();
    if (waitMs > 0) {
      return { ...refuse("WAIT", `the run is not due until ${from.scheduledTime}`), retryAfterSeconds: Math.ceil(waitMs / 1000) };
    }
  }
  const decision =
    (rule.reschedulesCrashBeforeStart ? rescheduleCrashBeforeStart(from, proposed, context) : null) ??
    (rule.retriesOnFailure ? substituteRetry(proposed, context) : null) ??
    { status: "ACCEPT", reason: rule.reason, state: proposed, recorded: [proposed] };
  return carryStartMarkers(from, decision, rule);
}
