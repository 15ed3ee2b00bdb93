/**
 * Task queues (issue 16): task runs placed with `task({ taskQueue })` are executed by task
 * workers (`weir task-worker start --queue Q`) on any machine sharing the database.
 *
 * Glossary:
 * - **item**: one attempt of a task run on a queue (id `<task run id>:<attempt>`);
 * - **owner**: the dispatcher, one per calling process, that submitted the item and reads its
 *   outcome back (then deletes the row);
 * - **lease**: a claimed item belongs to its task worker until `leaseExpiresAt`; the worker renews
 *   it while the task runs. An item whose lease expired (its worker died) is claimed again, so a
 *   task may *execute* more than once after a crash, but its outcome is *recorded* once: only the
 *   worker holding the current claim may complete it.
 *
 * States: `queued` → `running` (claimed) → `completed` | `failed`; `running` with an expired
 * lease is claimable like `queued`.
 */

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
  /** The call's arguments, as JSON text of an array. */
  args: string;
  attempt: number;
  timeoutMs: number | null;
}

/** An item a task worker claimed. */
export interface ClaimedTaskRun extends EnqueueTaskRunInput {
  /** How many times it has been claimed (2+ after its worker died). */
  claims: number;
}

/** What a task worker claims. */
export interface ClaimTaskRunsInput {
  queue: string;
  workerName: string;
  limit: number;
  leaseSeconds: number;
}

/** The outcome a task worker records. */
export interface CompleteTaskRunInput {
  id: string;
  workerName: string;
  isFailed: boolean;
  /** JSON text: `{ "value": … }` or `{ "error": { name, message, stack } }`. */
  outcome: string;
}

/** A finished item, read back by its owner. */
export interface FinishedTaskRun {
  id: string;
  isFailed: boolean;
  outcome: string;
}

/** The task-queue part of the orchestration API (in process only, for now). */
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
  /** Remove items not yet claimed (their task run was cancelled or timed out); returns how many. */
  withdrawTaskRuns(ids: readonly string[]): Promise<number>;
  /** Counts by status on a queue. */
  countTaskQueue(queue: string): Promise<Record<string, number>>;
}
