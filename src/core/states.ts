/**
 * States of flow runs and task runs.
 *
 * A state has a `type` (what the orchestrator reasons about) and a `name` (what a person reads).
 * - SCHEDULED: waiting for its start time. Names: Scheduled, Late (start time passed, nobody
 *   picked it up), AwaitingRetry (a failed attempt waits for its retry delay),
 *   AwaitingConcurrencySlot (a concurrency limit holds it back).
 * - PENDING: claimed by a worker/runner, process starting. Name: Pending.
 * - RUNNING: the body executes. Names: Running, Retrying (second and later attempts).
 * - COMPLETED (terminal): Completed, or Cached when a cached result was reused.
 * - FAILED (terminal): Failed, or TimedOut when the timeout fired.
 * - CRASHED (terminal): the process died or lost its heartbeat.
 * - CANCELLING: cancellation asked for, process still being stopped.
 * - CANCELLED (terminal): Cancelled.
 * - PAUSED: Paused (waits for resume, process kept) or Suspended (process exits, resumes later).
 */

/** The orchestrator-level kind of a state. */
export type StateType =
  | "SCHEDULED"
  | "PENDING"
  | "RUNNING"
  | "COMPLETED"
  | "FAILED"
  | "CANCELLING"
  | "CANCELLED"
  | "CRASHED"
  | "PAUSED";

/** Every state type, in lifecycle order. */
export const STATE_TYPES: readonly StateType[] = Object.freeze([
  "SCHEDULED",
  "PENDING",
  "RUNNING",
  "COMPLETED",
  "FAILED",
  "CANCELLING",
  "CANCELLED",
  "CRASHED",
  "PAUSED",
]);

/** The human-readable name of a state; each belongs to exactly one type. */
export type StateName =
  | "Scheduled"
  | "Late"
  | "AwaitingRetry"
  | "AwaitingConcurrencySlot"
  | "Pending"
  | "Running"
  | "Retrying"
  | "Completed"
  | "Cached"
  | "Failed"
  | "TimedOut"
  | "Crashed"
  | "Cancelling"
  | "Cancelled"
  | "Paused"
  | "Suspended";

/** Which type each state name belongs to. */
export const STATE_TYPE_OF_NAME: Readonly<Record<StateName, StateType>> = Object.freeze({
  Scheduled: "SCHEDULED",
  Late: "SCHEDULED",
  AwaitingRetry: "SCHEDULED",
  AwaitingConcurrencySlot: "SCHEDULED",
  Pending: "PENDING",
  Running: "RUNNING",
  Retrying: "RUNNING",
  Completed: "COMPLETED",
  Cached: "COMPLETED",
  Failed: "FAILED",
  TimedOut: "FAILED",
  Crashed: "CRASHED",
  Cancelling: "CANCELLING",
  Cancelled: "CANCELLED",
  Paused: "PAUSED",
  Suspended: "PAUSED",
});

/** Every state name. */
export const STATE_NAMES = Object.freeze(Object.keys(STATE_TYPE_OF_NAME) as StateName[]);

/** The state types a new flow run may start in. */
export const INITIAL_FLOW_RUN_STATE_TYPES: readonly StateType[] = Object.freeze(["SCHEDULED", "PENDING", "RUNNING"] as const);

/** The default name of each state type. */
export const DEFAULT_STATE_NAME: Readonly<Record<StateType, StateName>> = Object.freeze({
  SCHEDULED: "Scheduled",
  PENDING: "Pending",
  RUNNING: "Running",
  COMPLETED: "Completed",
  FAILED: "Failed",
  CANCELLING: "Cancelling",
  CANCELLED: "Cancelled",
  CRASHED: "Crashed",
  PAUSED: "Paused",
});

/** State types after which a run never changes again (except by an explicit retry). */
export const TERMINAL_STATE_TYPES: ReadonlySet<StateType> = new Set<StateType>([
  "COMPLETED",
  "FAILED",
  "CANCELLED",
  "CRASHED",
]);

/** Whether a state type is terminal. */
export function isTerminalStateType(type: StateType): boolean {
  return TERMINAL_STATE_TYPES.has(type);
}

/** A stored failure: what user code threw, kept so it can be shown and reasoned about. */
export interface StoredError {
  name: string;
  message: string;
  stack?: string;
  cause?: StoredError;
  /** Whether a retry may help (false for NonRetryableError). */
  isRetryable?: boolean;
}

/** A state as stored and exchanged; timestamps are ISO-8601 strings in UTC. */
export interface State {
  /** Unique id of this state record (assigned by whoever creates it). */
  id: string;
  type: StateType;
  name: StateName;
  timestamp: string;
  message?: string | null;
  /** When a SCHEDULED / AwaitingRetry / Paused state expects to start or time out. */
  scheduledTime?: string | null;
  /** Reference to a persisted result (`storage key`) or an inline JSON value. */
  result?: ResultRef | null;
  /** The failure behind a FAILED / CRASHED state. */
  error?: StoredError | null;
  /** Extra detail, e.g. the concurrency slot or pause input schema. */
  details?: Record<string, unknown> | null;
}

/**
 * Where a run's return value lives: inline, or under a key in a result store, written by a
 * serializer (`json`, `bytes` or a user's own by name). `store` is the store's URL (`file:///dir`,
 * `server`, `s3://bucket/prefix`); refs written before stores existed have none (the local folder).
 */
export type ResultRef =
  | { kind: "inline"; value: unknown }
  | { kind: "stored"; storageKey: string; serializer: string; store?: string };

/** Build a new state record of the given name; the type follows from the name. */
export function makeState(
  name: StateName,
  fields: Partial<Omit<State, "type" | "name">> & { now?: Date } = {},
): State {
  const { now, ...rest } = fields;
  return {
    id: rest.id ?? crypto.randomUUID(),
    type: STATE_TYPE_OF_NAME[name],
    name,
    timestamp: rest.timestamp ?? (now ?? new Date()).toISOString(),
    message: rest.message ?? null,
    scheduledTime: rest.scheduledTime ?? null,
    result: rest.result ?? null,
    error: rest.error ?? null,
    details: rest.details ?? null,
  };
}
