/**
 * Task queues (issue 16): task runs placed with `task({ taskQueue })` are executed by task
 * workers (`weir task-worker start --queue Q`) on any machine that reaches the server or the
 * database.
 *
 * Glossary:
 * - **item**: one attempt of a task run on a queue (id `<task run id>:<attempt>`);
 * - **owner**: the dispatcher, one per calling process, that submitted the item and reads its
 *   outcome back (then deletes the row: in one call in process, in two over HTTP);
 * - **lease**: a claimed item belongs to its task worker until `leaseExpiresAt`; the worker renews
 *   it while the task runs. An item whose lease expired (its worker died) is claimed again, so a
 *   task may *execute* more than once after a crash, but its outcome is *recorded* once: only the
 *   worker holding the current claim may complete it.
 *
 * - **payload**: an item's arguments and outcome are JSON text kept in the row when they are at
 *   most MAX_INLINE_TASK_PAYLOAD_BYTES; a larger one is written to result storage and the row
 *   holds `{"stored": <result ref>}` instead (src/sdk/placement/task-payload.ts).
 *
 * States: `queued` → `running` (claimed) → `completed` | `failed`; `running` with an expired
 * lease is claimable like `queued`.
 */

/** A task queue's name: a letter or digit, then letters, digits, `_`, `.` or `-` (MAX_TASK_QUEUE_NAME_LENGTH at most). */
export const TASK_QUEUE_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]*$";

/** Longest task queue name. */
export const MAX_TASK_QUEUE_NAME_LENGTH = 100;

/**
 * Largest argument list or outcome (JSON text, in UTF-8 bytes) kept in the queue's row; a larger
 * one travels through result storage. 64 KiB: rows stay small, batches of claims and outcomes stay
 * well under the server's body limit, and large values do not pass through the database.
 */
export const MAX_INLINE_TASK_PAYLOAD_BYTES = 64 * 1024;

/** An item to enqueue. */
export interface EnqueueTaskRunInput {
  id: string;
  queue: string;
  owner: string;
  taskRunId: string;
  flowRunId: string | null;
  /** Absolute path (or file URL) of the module that defines the task. */
  module: string;
  taskName: string;
  /** The call's arguments: JSON text of an array, or of `{"stored": …}` when they went to result storage. */
  args: string;
  attempt: number;
  timeoutMs: number | null;
}

/** An item a task worker claimed. */
export interface ClaimedTaskRun extends EnqueueTaskRunInput {
  /** How many times it has been claimed (2+ after its worker died). */
  claims: number;
}

/** Most items, outcomes or ids in one task-queue request over HTTP (the HTTP client splits larger batches). */
export const MAX_TASK_QUEUE_BATCH = 1000;

/** Longest a claim over HTTP may wait at the server for an item (`ClaimTaskRunsInput.waitSeconds`). */
export const MAX_CLAIM_WAIT_SECONDS = 20;

/** What a task worker claims. */
export interface ClaimTaskRunsInput {
  queue: string;
  workerName: string;
  limit: number;
  leaseSeconds: number;
  /**
   * When nothing is claimable, how long the claim may wait for an item: over HTTP the server holds
   * the request and answers as soon as an item is enqueued through it (re-checking the table
   * meanwhile); the in-process service answers at once (its caller polls). @default 0
   */
  waitSeconds?: number;
}

/** The outcome a task worker records. */
export interface CompleteTaskRunInput {
  id: string;
  workerName: string;
  isFailed: boolean;
  /** JSON text: `{ "value": … }` or `{ "error": { name, message, stack } }`, or `{ "stored": … }` when it went to result storage. */
  outcome: string;
}

/** A finished item, read back by its owner. */
export interface FinishedTaskRun {
  id: string;
  isFailed: boolean;
  outcome: string;
}

/** The task-queue part of the orchestration API (in process, and over HTTP: src/server/routes/task-queue-routes.ts). */
export interface TaskQueueApi {
  /** Put items on their queues. */
  enqueueTaskRuns(items: readonly EnqueueTaskRunInput[]): Promise<void>;
  /** Claim up to `limit` items of a queue (queued, or running with an expired lease), oldest first. */
  claimTaskRuns(input: ClaimTaskRunsInput): Promise<ClaimedTaskRun[]>;
  /** Extend the leases of items this worker holds; returns the ids it still holds. */
  renewTaskRunLeases(workerName: string, ids: readonly string[], leaseSeconds: number): Promise<string[]>;
  /** Record outcomes; returns the ids recorded (an item another worker re-claimed is not). */
  completeTaskRuns(outcomes: readonly CompleteTaskRunInput[]): Promise<string[]>;
  /** Finished items of an owner (up to `limit`), deleted as they are read. */
  takeFinishedTaskRuns(owner: string, limit: number): Promise<FinishedTaskRun[]>;
  /** Finished items of an owner (up to `limit`, and a few MiB of outcomes), left in place: a repeated read returns them again. */
  readFinishedTaskRuns(owner: string, limit: number): Promise<FinishedTaskRun[]>;
  /** Delete finished items of an owner, once read; returns how many were deleted. */
  deleteFinishedTaskRuns(owner: string, ids: readonly string[]): Promise<number>;
  /** Remove items not yet claimed (their task run was cancelled or timed out); returns how many. */
  withdrawTaskRuns(ids: readonly string[]): Promise<number>;
  /** Counts by status on a queue. */
  countTaskQueue(queue: string): Promise<Record<string, number>>;
}
