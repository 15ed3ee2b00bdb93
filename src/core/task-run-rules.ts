/**
 * Task-run orchestration rules, as data: for every (current state type, proposed state type) of a
 * task run, ACCEPT or REJECT and its reason, and the flow-run states in which no task may start
 * (ABORT). Task runs are written in batches by the SDK (src/orchestration/task-run-service.ts);
 * the service asks `decideTaskRunTransition` for every state that would become a run's current
 * one and stores a run's states up to the first refused one: the refusal concerns that run only,
 * the rest of the batch is stored, and the SDK is told (ABORT means: stop executing).
 *
 * The states of a task run (see src/core/states.ts for names):
 * - (none): the run is new; any state may be its first.
 * - SCHEDULED (AwaitingRetry, AwaitingConcurrencySlot): waits for a retry delay or a slot; goes
 *   on Running/Retrying, or ends. It cannot complete without running.
 * - PENDING: waits for upstream runs, a cache lookup or a slot; goes on to a slot wait, Running,
 *   Cached (COMPLETED) or an end. Never Pending twice.
 * - RUNNING (Running, Retrying): the body executes; ends, or waits for a retry (AwaitingRetry).
 *   Never back to Pending.
 * - PAUSED, CANCELLING: not entered by the SDK today; they lead on to an end (CANCELLING only to
 *   an end).
 * - COMPLETED, FAILED, CANCELLED, CRASHED: terminal. Nothing follows: a late or repeated final
 *   state (Completed → Crashed) is refused, and the first final state stays.
 *
 * Starting (entering PENDING or RUNNING) is aborted, whatever the run's own state, while the
 * task's flow run is Cancelling or terminal (FLOW_RUN_TYPES_STOPPING_TASKS): that flow run is
 * not executing any more, or is being stopped, so the executor must stop too. (The store applies
 * this to starts stamped after the flow run entered that state: a batch that arrives late does not
 * undo a start that was legal when it happened.)
 */
import type { StateType } from "./states.js";

/** What the store does with a proposed task-run state. */
export type TaskRunDecisionStatus = "ACCEPT" | "REJECT" | "ABORT";

/** One cell of the table. */
export interface TaskRunRule {
  status: "ACCEPT" | "REJECT";
  reason: string;
}

const accept = (reason: string): TaskRunRule => ({ status: "ACCEPT", reason });
const reject = (reason: string): TaskRunRule => ({ status: "REJECT", reason });

function row(cells: Record<StateType, TaskRunRule>): Readonly<Record<StateType, TaskRunRule>> {
  return Object.freeze(cells);
}

function terminalRow(what: string): Readonly<Record<StateType, TaskRunRule>> {
  const rejected = reject(`the task run is ${what} (terminal); its first final state stays`);
  return row({
    SCHEDULED: rejected,
    PENDING: rejected,
    RUNNING: rejected,
    COMPLETED: rejected,
    FAILED: rejected,
    CANCELLING: rejected,
    CANCELLED: rejected,
    CRASHED: rejected,
    PAUSED: rejected,
  });
}

/** The table: TASK_RUN_RULES[current type][proposed type]. */
export const TASK_RUN_RULES: Readonly<Record<StateType, Readonly<Record<StateType, TaskRunRule>>>> = Object.freeze({
  SCHEDULED: row({
    SCHEDULED: accept("waits again"),
    PENDING: accept("waits for its inputs"),
    RUNNING: accept("started"),
    COMPLETED: reject("a waiting task run must run before it completes"),
    FAILED: accept("failed before running"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled before running"),
    CRASHED: accept("crashed before running"),
    PAUSED: accept("paused"),
  }),
  PENDING: row({
    SCHEDULED: accept("waits for a slot or a retry"),
    PENDING: reject("the task run is already pending"),
    RUNNING: accept("started"),
    COMPLETED: accept("completed from its cache"),
    FAILED: accept("failed before running (e.g. an upstream run failed)"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled before running"),
    CRASHED: accept("crashed before running"),
    PAUSED: accept("paused"),
  }),
  RUNNING: row({
    SCHEDULED: accept("awaiting retry"),
    PENDING: reject("a running task run cannot become pending again"),
    RUNNING: accept("running"),
    COMPLETED: accept("completed"),
    FAILED: accept("failed"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled"),
    CRASHED: accept("crashed"),
    PAUSED: accept("paused"),
  }),
  PAUSED: row({
    SCHEDULED: accept("rescheduled"),
    PENDING: reject("a paused task run continues running, not pending"),
    RUNNING: accept("resumed"),
    COMPLETED: reject("a paused task run must resume before it completes"),
    FAILED: accept("failed while paused"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled while paused"),
    CRASHED: accept("crashed while paused"),
    PAUSED: accept("paused"),
  }),
  CANCELLING: row({
    SCHEDULED: reject("the task run is cancelling; it can only end"),
    PENDING: reject("the task run is cancelling; it can only end"),
    RUNNING: reject("the task run is cancelling; it can only end"),
    COMPLETED: accept("completed while cancelling"),
    FAILED: accept("failed while cancelling"),
    CANCELLING: accept("cancelling"),
    CANCELLED: accept("cancelled"),
    CRASHED: accept("crashed while cancelling"),
    PAUSED: reject("the task run is cancelling; it can only end"),
  }),
  COMPLETED: terminalRow("completed"),
  FAILED: terminalRow("failed"),
  CANCELLED: terminalRow("cancelled"),
  CRASHED: terminalRow("crashed"),
});

/** Flow-run state types in which none of its task runs may start (see the header). */
export const FLOW_RUN_TYPES_STOPPING_TASKS: ReadonlySet<StateType> = new Set<StateType>(["CANCELLING", "COMPLETED", "FAILED", "CANCELLED", "CRASHED"]);

/** Whether entering `type` starts a task run (what a stopping flow run forbids). */
export function isTaskStartType(type: StateType): boolean {
  return type === "PENDING" || type === "RUNNING";
}

/** The decision about one proposed state. */
export interface TaskRunDecision {
  status: TaskRunDecisionStatus;
  reason: string;
}

const ACCEPT_FIRST: TaskRunDecision = Object.freeze({ status: "ACCEPT", reason: "first state" });

/**
 * Decide a proposed state type for a task run whose current type is `from` (null for a new run),
 * whose flow run is in `flowRunType` (null when it has none, or it is not stored).
 */
export function decideTaskRunTransition(from: StateType | null, to: StateType, flowRunType: StateType | null): TaskRunDecision {
  if (flowRunType !== null && isTaskStartType(to) && FLOW_RUN_TYPES_STOPPING_TASKS.has(flowRunType)) {
    return { status: "ABORT", reason: `its flow run is ${flowRunType.toLowerCase()}; the task run may not start` };
  }
  return from === null ? ACCEPT_FIRST : TASK_RUN_RULES[from][to];
}
