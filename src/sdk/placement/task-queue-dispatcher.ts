/**
 * The caller's side of task queues: each attempt of a task with `taskQueue` becomes an item on
 * the queue; one dispatcher per client (per calling process) enqueues the items of a turn of the
 * event loop in one batch and polls for the finished items it owns, settling each attempt with
 * the value or error its task worker recorded. An attempt whose signal aborts (timeout,
 * cancellation) withdraws its item if no worker has claimed it yet. Arguments and outcomes over
 * 64 KiB travel through result storage (task-payload.ts); the dispatcher deletes both once the
 * attempt settles.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { EnqueueTaskRunInput, FinishedTaskRun, TaskQueueApi } from "../../core/task-queue.js";
import { WeirError } from "../../core/weir-error.js";
import { assertSerializable } from "../assert-serializable.js";
import { NonRetryableError } from "../non-retryable-error.js";
import { runScopeStorage } from "../run-scope.js";
import type { ResultStorageOption } from "../results/result-store-for.js";
import type { CompiledTaskOptions } from "../task-options.js";
import { discardPayload, packPayload, payloadStorage, readPayload, storedPayloadOf, type StoredPayload } from "./task-payload.js";

/** How often a dispatcher with items in flight asks for finished ones, in ms. */
export const RESULT_POLL_INTERVAL_MS = 100;

type StoredError = { name?: string; message?: string; stack?: string };

/** An item in flight: how to settle its attempt, where its payloads go, and its arguments' stored copy (deleted once it settles). */
interface InFlight {
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  storage: ResultStorageOption;
  storedArgs: StoredPayload | null;
}

/** Whether a client can use task queues (the in-process and HTTP clients can). */
export function hasTaskQueue(client: OrchestrationApi): client is OrchestrationApi & TaskQueueApi {
  return typeof (client as Partial<TaskQueueApi>).enqueueTaskRuns === "function";
}

class TaskQueueDispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly pending = new Map<string, InFlight>();
  private batch: EnqueueTaskRunInput[] = [];
  private isPolling = false;

  constructor(private readonly client: TaskQueueApi) {}

  // Items in flight per attempt signal: one abort listener per signal, however many items share it (a flow's map).
  private readonly bySignal = new WeakMap<AbortSignal, Set<string>>();

  submit(item: Omit<EnqueueTaskRunInput, "owner">, signal: AbortSignal, payload: { storage: ResultStorageOption; storedArgs: StoredPayload | null }): Promise<unknown> {
    return new Promise((resolve, reject) => {
      let ids = this.bySignal.get(signal);
      if (ids === undefined) {
        const mine = new Set<string>();
        ids = mine;
        this.bySignal.set(signal, mine);
        signal.addEventListener("abort", () => this.abortAll(mine, signal.reason), { once: true });
      }
      const inFlight = ids;
      inFlight.add(item.id);
      const settled = () => {
        inFlight.delete(item.id);
        if (payload.storedArgs !== null) void discardPayload(payload.storedArgs, payload.storage).catch(() => undefined);
      };
      this.pending.set(item.id, {
        ...payload,
        resolve: (value) => {
          settled();
          resolve(value);
        },
        reject: (error) => {
          settled();
          reject(error);
        },
      });
      this.batch.push({ ...item, owner: this.owner });
      if (this.batch.length === 1) setImmediate(() => void this.flush());
      if (!this.isPolling) void this.poll();
    });
  }

  private abortAll(ids: Set<string>, reason: unknown): void {
    const aborted = [...ids];
    void this.client.withdrawTaskRuns(aborted).catch(() => undefined);
    for (const id of aborted) {
      const settle = this.pending.get(id);
      this.pending.delete(id);
      settle?.reject(reason);
    }
  }

  private async flush(): Promise<void> {
    const items = this.batch;
    this.batch = [];
    try {
      await this.client.enqueueTaskRuns(items);
    } catch (error) {
      for (const item of items) {
        const settle = this.pending.get(item.id);
        this.pending.delete(item.id);
        settle?.reject(error);
      }
    }
  }

  private async poll(): Promise<void> {
    this.isPolling = true;
    try {
      while (this.pending.size > 0) {
        let finished: FinishedTaskRun[];
        try {
          finished = await this.client.takeFinishedTaskRuns(this.owner, 5000);
        } catch {
          finished = [];
        }
        for (const item of finished) {
          const settle = this.pending.get(item.id);
          this.pending.delete(item.id);
          void settleFinished(item, settle);
        }
        if (finished.length === 0) await new Promise((resolve) => setTimeout(resolve, RESULT_POLL_INTERVAL_MS));
      }
    } finally {
      this.isPolling = false;
    }
  }
}

// Settle an attempt with its outcome (read from result storage when it was stored there, then deleted); an item nobody waits for any more (its attempt was aborted) only has its stored outcome deleted.
async function settleFinished(item: FinishedTaskRun, settle: InFlight | undefined): Promise<void> {
  const storage = settle?.storage ?? payloadStorage(null);
  let outcome: { value?: unknown; error?: StoredError };
  let stored: StoredPayload | null;
  try {
    if (settle === undefined) {
      stored = storedPayloadOf(JSON.parse(item.outcome));
    } else {
      const read = await readPayload(item.outcome, storage);
      outcome = read.value as typeof outcome;
      stored = read.stored;
      if (item.isFailed) settle.reject(rebuildError(outcome.error));
      else settle.resolve(outcome.value ?? null);
    }
  } catch (error) {
    // The outcome could not be read (its store is out of reach): a retryable failure of the attempt.
    settle?.reject(new Error(`the outcome of task-queue item ${item.id} could not be read: ${error instanceof Error ? error.message : String(error)}`, { cause: error }));
    return;
  }
  if (stored !== null) await discardPayload(stored, storage).catch(() => undefined);
}

function rebuildError(stored: StoredError | undefined): Error {
  const message = stored?.message ?? "the task worker recorded a failure without an error";
  const error = stored?.name === "NonRetryableError" ? new NonRetryableError(message) : new Error(message);
  if (stored?.name !== undefined && stored.name !== "NonRetryableError") Object.defineProperty(error, "name", { value: stored.name });
  if (stored?.stack !== undefined) error.stack = stored.stack;
  return error;
}

const dispatchers = new WeakMap<object, TaskQueueDispatcher>();

/** The executor of a task on a queue: one queue item per attempt, settled by a task worker. */
export function queueExecutor(queue: string, module: string, options: CompiledTaskOptions): (...args: unknown[]) => Promise<unknown> {
  return async (...args: unknown[]) => {
    const scope = runScopeStorage.getStore();
    if (scope?.kind !== "task") throw new WeirError("BAD_REQUEST", `task '${options.name}' on queue '${queue}' must run as a task`);
    const { client } = scope;
    if (!hasTaskQueue(client)) throw new NonRetryableError(`task '${options.name}' is on task queue '${queue}', but this process's client has no task queues (use the client of WEIR_API_URL or WEIR_DATABASE_URL)`);
    let json: string;
    try {
      assertSerializable(args, `the arguments of task '${options.name}' (on task queue '${queue}')`, "args");
      json = JSON.stringify(args);
    } catch (error) {
      throw new NonRetryableError(error instanceof Error ? error.message : String(error));
    }
    const storage = payloadStorage(options.results.storage);
    const { text, stored } = await packPayload(json, storage);
    if (scope.signal.aborted) {
      if (stored !== null) await discardPayload(stored, storage).catch(() => undefined);
      throw scope.signal.reason;
    }
    let dispatcher = dispatchers.get(client);
    if (dispatcher === undefined) {
      dispatcher = new TaskQueueDispatcher(client);
      dispatchers.set(client, dispatcher);
    }
    return dispatcher.submit(
      {
        id: `${scope.taskRunId}:${scope.attempt}`,
        queue,
        taskRunId: scope.taskRunId,
        flowRunId: scope.flow?.flowRunId ?? null,
        module,
        taskName: options.name,
        args: text,
        attempt: scope.attempt,
        // Whole milliseconds, as the queue stores them (a timeout of 1.5 ms waits 2).
        timeoutMs: options.timeoutMs === null ? null : Math.ceil(options.timeoutMs),
      },
      scope.signal,
      { storage, storedArgs: stored },
    );
  };
}
