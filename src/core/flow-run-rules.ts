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
 * - RUNNING (Running, Retrying): the body executes. Ends Completed / Failed / Crashed /
 *   Cancelled, pauses, or is asked to stop (Cancelling). A failed (or crashed) attempt with
 *   retries left and a retryable error becomes AwaitingRetry (see substitution below).
 * - PAUSED (Paused, Suspended): waits for `resumeFlowRun` (Paused → Running, Suspended →
 *   Scheduled); a plain proposal of Running/Scheduled is rejected. A pause may time out (Failed)
 *   or be cancelled.
 * - CANCELLING: cancellation asked for, the executor is stopping; leads only to Cancelled.
 * - COMPLETED, FAILED, CANCELLED, CRASHED: terminal. Only `retryFlowRun` moves them (to
 *   Scheduled). Proposing Pending/Running on a terminal or cancelling run is ABORT: the caller
 *   must stop executing.
 *
 * Retry substitution: when an attempt fails (FAILED or CRASHED proposed from PENDING/RUNNING),
 * the error is retryable (`error.isRetryable !== false`) and attempts so far ≤ retries, the
 * decision is ACCEPT of a *substituted* state: the proposed failure is recorded in the history
 * and the run's current state becomes AwaitingRetry with `scheduledTime = now + delay`; the
 * result's `state` is that AwaitingRetry state. The executor that gets it back waits until
 * `scheduledTime` and proposes Running again (or a worker claims it then).
 *
 * Idempotency (transition ids) and `force` are handled by the service layer, not here.
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
}

const accept = (reason: string, extra: Partial<FlowRunRule> = {}): FlowRunRule => ({ status: "ACCEPT", reason, ...extra });
const reject = (reason: string, extra: Partial<FlowRunRule> = {}): FlowRunRule => ({ status: "REJECT", reason, ...extra });
const abort = (reason: string): FlowRunRule => ({ status: "ABORT", reason });

function terminalRow(what: string): Record<StateType, FlowRunRule> {
  const rejected = reject(`the run is ${what} (terminal); use retry to run it again`);
  return {
    SCHEDULED: reject(`the run is ${what} (terminal); only retry may reschedule it`, { onlyVia: "retry" }),
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
    CRASHED: accept("crashed while starting", { retriesOnFailure: true }),
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
    PAUSED: accept("paused"),
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
    SCHEDULED: reject("a paused run is rescheduled only by resume", { onlyVia: "resume" }),
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
}

/** The outcome of a proposal. `recorded` are the states to append to the history, in order. */
export interface TransitionDecision {
  status: OrchestrationStatus;
  reason: string;
  /** The run's state after the decision (the current one unless ACCEPT). */
  state: State;
  /** States to append to the history (empty unless ACCEPT). */
  recorded: State[];
  retryAfterSeconds?: number;
}

/** Delay before retry number `attempt` (1-based): the last delay of the list repeats. */
export function retryDelaySecondsFor(policy: RetryPolicy, attempt: number): number {
  const delays = policy.retryDelaySeconds.length > 0 ? policy.retryDelaySeconds : [0];
  return delays[Math.min(attempt - 1, delays.length - 1)] ?? 0;
}

/** Decide a proposed state for a run whose current state is `from` (null for a new run). */
export function decideFlowRunTransition(from: State, proposed: State, context: TransitionContext): TransitionDecision {
  const rule = flowRunRuleFor(from.type, proposed);
  const refuse = (status: OrchestrationStatus, reason: string): TransitionDecision => ({ status, reason, state: from, recorded: [] });
  if (rule.onlyVia !== undefined) {
    if (context.via !== rule.onlyVia) return refuse(rule.status, rule.reason);
  } else if (rule.status !== "ACCEPT") {
    return refuse(rule.status, rule.reason);
  }
  if (rule.waitsUntilDue && from.scheduledTime) {
    const waitMs = Date.parse(from.scheduledTime) - context.now.getTime();
    if (waitMs > 0) {
      return { ...refuse("WAIT", `the run is not due until ${from.scheduledTime}`), retryAfterSeconds: Math.ceil(waitMs / 1000) };
    }
  }
  if (rule.retriesOnFailure && proposed.error?.isRetryable !== false) {
    const attempts = Math.max(context.runCount, 1);
    if (attempts <= context.retryPolicy.retries) {
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
  }
  return { status: "ACCEPT", reason: rule.reason, state: proposed, recorded: [proposed] };
}
