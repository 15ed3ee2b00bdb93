/**
 * A task worker (`weir task-worker start --queue Q`): claims items of a task queue in batches
 * (up to its free slots), executes each (sdk/placement/execute-queued-task.ts) with at most
 * `concurrency` at once, renews the leases of the items it holds, and records outcomes in
 * batches. Its loop is claim → execute → complete; it stops claiming when `signal` aborts and
 * returns once the items in hand are finished and recorded.
 *
 * A worker that dies leaves its items `running` until their lease expires; another worker then
 * claims and executes them again (at-least-once execution), and only that claim may record the
 * outcome (exactly-once completion).
 */
import { hostname } from "node:os";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { ClaimedTaskRun, CompleteTaskRunInput, TaskQueueApi } from "../../core/task-queue.js";
import { httpStatusOf } from "../../core/error-codes.js";
import { WeirError } from "../../core/weir-error.js";
import { flushAll } from "../client-provider.js";
import { executeQueuedTask } from "./execute-queued-task.js";

/** Options of `runTaskWorker`. */
export interface TaskWorkerOptions {
  client: OrchestrationApi & TaskQueueApi;
  queue: string;
  /** Items executing at once. @default 10 */
  concurrency?: number;
  /** @default `${hostname}-${pid}` */
  name?: string;
  /** How long a claim holds an item without renewal. @default 30 */
  leaseSeconds?: number;
  /** Wait between claims when the queue is empty, in ms. @default 200 */
  pollIntervalMs?: number;
  /**
   * How long a claim may wait at the server for an item when the queue is empty (over HTTP; the
   * server answers as soon as an item is enqueued through it). Stopping waits for it. @default 2
   */
  claimWaitSeconds?: number;
  signal: AbortSignal;
  onError?: (error: unknown) => void;
  /** Called with each item as it starts (for logs and tests). */
  onItem?: (item: ClaimedTaskRun) => void;
}

/** What a task worker did. */
export interface TaskWorkerSummary {
  name: string;
  executed: number;
}

// How many times a stopping worker tries to record its last outcomes.
const FINAL_FLUSH_ATTEMPTS = 5;

/** Run a task worker until `signal` aborts. */
export async function runTaskWorker(options: TaskWorkerOptions): Promise<TaskWorkerSummary> {
  const { client, queue, signal } = options;
  const name = options.name ?? `${hostname()}-${process.pid}`;
  const concurrency = options.concurrency ?? 10;
  const leaseSeconds = options.leaseSeconds ?? 30;
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const claimWaitSeconds = options.claimWaitSeconds ?? 2;
  const onError = options.onError ?? (() => undefined);
  const inFlight = new Map<string, Promise<void>>();
  // Claimed and not yet recorded (executing, or its outcome waiting for the next batch): their leases are renewed.
  const held = new Set<string>();
  const completions: CompleteTaskRunInput[] = [];
  let completing: Promise<void> = Promise.resolve();
  let executed = 0;
  let wake: (() => void) | null = null;

  const flushCompletions = () => {
    if (completions.length === 0) return;
    const batch = completions.splice(0);
    completing = completing.then(async () => {
      try {
        await client.completeTaskRuns(batch);
      } catch (error) {
        onError(error);
        // Sent again with the next batch (the items stay held, their leases renewed), unless the server refused them for good.
        if (isRetryable(error)) {
          completions.unshift(...batch);
          return;
        }
      }
      // An outcome not recorded (another worker re-claimed the item) keeps any value it stored: `weir storage prune` reclaims it.
      for (const outcome of batch) held.delete(outcome.id);
    });
  };
  const renewer = setInterval(() => {
    if (held.size > 0) void client.renewTaskRunLeases(name, [...held], leaseSeconds).catch(onError);
  }, (leaseSeconds * 1000) / 3);
  const completer = setInterval(flushCompletions, 20);

  const execute = (item: ClaimedTaskRun) => {
    options.onItem?.(item);
    held.add(item.id);
    const done = executeQueuedTask(client, item, signal).then(({ isFailed, outcome }) => {
      executed += 1;
      completions.push({ id: item.id, workerName: name, isFailed, outcome });
      if (completions.length >= 200) flushCompletions();
      inFlight.delete(item.id);
      wake?.();
    });
    inFlight.set(item.id, done);
  };

  try {
    while (!signal.aborted) {
      const free = concurrency - inFlight.size;
      let claimed: ClaimedTaskRun[] = [];
      if (free > 0) {
        try {
          claimed = await client.claimTaskRuns({ queue, workerName: name, limit: free, leaseSeconds, waitSeconds: claimWaitSeconds });
        } catch (error) {
          onError(error);
        }
        for (const item of claimed) execute(item);
      }
      if (claimed.length === 0 || free - claimed.length <= 0) await pause(free > 0 ? pollIntervalMs : null, signal, (resolve) => (wake = resolve));
      wake = null;
    }
    await Promise.all(inFlight.values());
    // A failed batch comes back for another try, a few times at most: a worker that cannot reach the server still stops (its items run again elsewhere once their leases end).
    for (let attempt = 0; completions.length > 0 && attempt < FINAL_FLUSH_ATTEMPTS; attempt++) {
      flushCompletions();
      await completing;
    }
    await flushAll();
  } finally {
    clearInterval(renewer);
    clearInterval(completer);
  }
  return { name, executed };
}

// A failure worth sending the outcomes again: anything but the server refusing the request (4xx).
function isRetryable(error: unknown): boolean {
  return !(error instanceof WeirError) || httpStatusOf(error.code) >= 500;
}

// Wait `ms` (or, when null, until woken), or until a slot frees or the worker stops.
function pause(ms: number | null, signal: AbortSignal, setWake: (resolve: () => void) => void): Promise<void> {
  return new Promise((resolve) => {
    const timer = ms === null ? undefined : setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
    setWake(done);
  });
}
