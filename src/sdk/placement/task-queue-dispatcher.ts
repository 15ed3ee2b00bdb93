/**
 * The caller's side of task queues: each attempt of a task with `taskQueue` becomes an item on
 * the queue; one dispatcher per client (per calling process) enqueues the items of a turn of the
 * event loop in one batch and polls for the finished items it owns, settling each attempt with
 * the value or error its task worker recorded. An attempt whose signal aborts (timeout,
 * cancellation) withdraws its item if no worker has claimed it yet.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { EnqueueTaskRunInput, FinishedTaskRun, TaskQueueApi } from "../../core/task-queue.js";
import { WeirError } from "../../core/weir-error.js";
import { assertSerializable } from "../assert-serializable.js";
import { NonRetryableError } from "../non-retryable-error.js";
import { runScopeStorage } from "../run-scope.js";
import type { CompiledTaskOptions } from "../task-options.js";

/** How often a dispatcher with items in flight asks for finished ones, in ms. */
export const RESULT_POLL_INTERVAL_MS = 100;

type Settle = { resolve: (value: unknown) => void; reject: (error: unknown) => void };

/** Whether a client can use task queues (the in-process client can; HTTP cannot yet). */
export function hasTaskQueue(client: OrchestrationApi): client is OrchestrationApi & TaskQueueApi {
  return typeof (client as Partial<TaskQueueApi>).enqueueTaskRuns === "function";
}

class TaskQueueDispatcher {
  readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly pending = new Map<string, Settle>();
  private batch: EnqueueTaskRunInput[] = [];
  private isPolling = false;

  constructor(private readonly client: TaskQueueApi) {}

  // Items in flight per attempt signal: one abort listener per signal, however many items share it (a flow's map).
  private readonly bySignal = new WeakMap<AbortSignal, Set<string>>();

  submit(item: Omit<EnqueueTaskRunInput, "owner">, signal: AbortSignal): Promise<unknown> {
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
      this.pending.set(item.id, {
        resolve: (value) => {
          inFlight.delete(item.id);
          resolve(value);
        },
        reject: (error) => {
          inFlight.delete(item.id);
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
          if (settle === undefined) continue;
          this.pending.delete(item.id);
          const outcome = JSON.parse(item.outcome) as { value?: unknown; error?: { name?: string; message?: string; stack?: string } };
          if (item.isFailed) settle.reject(rebuildError(outcome.error));
          else settle.resolve(outcome.value ?? null);
        }
        if (finished.length === 0) await new Promise((resolve) => setTimeout(resolve, RESULT_POLL_INTERVAL_MS));
      }
    } finally {
      this.isPolling = false;
    }
  }
}

function rebuildError(stored: { name?: string; message?: string; stack?: string } | undefined): Error {
  const message = stored?.message ?? "the task worker recorded a failure without an error";
  const error = stored?.name === "NonRetryableError" ? new NonRetryableError(message) : new Error(message);
  if (stored?.name !== undefined && stored.name !== "NonRetryableError") Object.defineProperty(error, "name", { value: stored.name });
  if (stored?.stack !== undefined) error.stack = stored.stack;
  return error;
}

const dispatchers = new WeakMap<object, TaskQueueDispatcher>();

/** The executor of a task on a queue: one queue item per attempt, settled by a task worker. */
export function queueExecutor(queue: string, module: string, options: CompiledTaskOptions): (...args: unknown[]) => Promise<unknown> {
  return (...args: unknown[]) => {
    const scope = runScopeStorage.getStore();
    if (scope?.kind !== "task") return Promise.reject(new WeirError("BAD_REQUEST", `task '${options.name}' on queue '${queue}' must run as a task`));
    const { client } = scope;
    if (!hasTaskQueue(client)) {
      return Promise.reject(new NonRetryableError(`task '${options.name}' is on task queue '${queue}', which needs a direct database connection (WEIR_DATABASE_URL or the embedded database); over WEIR_API_URL task queues are not available yet`));
    }
    try {
      assertSerializable(args, `the arguments of task '${options.name}' (on task queue '${queue}')`, "args");
    } catch (error) {
      return Promise.reject(new NonRetryableError(error instanceof Error ? error.message : String(error)));
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
        args: JSON.stringify(args),
        attempt: scope.attempt,
        timeoutMs: options.timeoutMs,
      },
      scope.signal,
    );
  };
}
