import type { State } from "../core/states.js";
import { checkKnownOptions } from "../core/option-checks.js";
import { WeirError } from "../core/weir-error.js";
import { compileTimeoutMs } from "./run-with-timeout.js";
import { MAX_TASK_QUEUE_NAME_LENGTH, TASK_QUEUE_NAME_PATTERN } from "../core/task-queue.js";
import type { CachedFunction } from "./cache-policy.js";
import { TASK_OPTION_ALIASES } from "./option-aliases.js";
import type { CompiledRetryPolicy, RetryOptions } from "./retry-policy.js";
import { compileRetryPolicy, storedRetryDelays } from "./retry-policy.js";
import { compileResultOptions, type ResultOptions } from "./results/compile-result-options.js";
import type { ResultSettings } from "./results/persist-result.js";
import type { RetryPolicy } from "../core/models.js";
import { compileTaskCache, type CompiledTaskCache, type TaskCacheOptions } from "./task-cache.js";

/** What a task hook receives. */
export interface TaskHookContext<R = unknown> {
  taskRunId: string;
  taskName: string;
  flowRunId: string | null;
  state: State;
  /** The return value (onCompletion). */
  value?: R;
  /** What was thrown (onFailure). */
  error?: unknown;
  args: readonly unknown[];
}

/** A function called when a task run ends; its errors are logged, never change the run. */
export type TaskHook<R = unknown> = (context: TaskHookContext<R>) => void | Promise<void>;

/** Options of `task()`. */
export interface TaskOptions<R = unknown> extends RetryOptions, ResultOptions {
  /** @default the function's name */
  name?: string;
  /** @default null */
  description?: string;
  /** Tags; tags with a concurrency limit (`weir concurrency-limit create`) throttle the task. @default [] */
  tags?: string[];
  /** Fail the attempt (`TimedOut`) and abort its signal after this long (seconds, at most 100 years). @default undefined (no timeout) */
  timeoutSeconds?: number;
  /** Cache results across runs (see TaskCacheOptions). @default undefined (no caching) */
  cache?: TaskCacheOptions<R>;
  /** Store the return value under `$WEIR_HOME/storage` (always on when caching). @default false */
  persistResult?: boolean;
  /** Name of each task run (a function gets the call's arguments). @default `${name}-${dynamicKey}` */
  runName?: string | ((...args: never[]) => string);
  /** @default [] */
  onCompletion?: TaskHook<R> | Array<TaskHook<R>>;
  /** @default [] */
  onFailure?: TaskHook<R> | Array<TaskHook<R>>;
  /**
   * Run each attempt on this task queue: a task worker (`weir task-worker start --queue Q`) that
   * can import the module defining the task executes it. Arguments and value must be JSON.
   * @default undefined (in this process)
   */
  taskQueue?: string;
  /** Run each attempt in a worker thread of this process (for CPU-bound work); arguments and value are structured-cloned. @default false */
  thread?: boolean;
}

/** Where a task's attempts execute. */
export type TaskPlacement = { kind: "queue"; queue: string } | { kind: "thread" };

// Every key of TaskOptions, checked against the interface by the compiler (a new option must be added here).
const TASK_OPTION_KEYS = Object.keys({
  name: true,
  description: true,
  tags: true,
  retries: true,
  retryDelaySeconds: true,
  retryJitterFactor: true,
  retryCondition: true,
  timeoutSeconds: true,
  cache: true,
  persistResult: true,
  resultStorage: true,
  resultSerializer: true,
  runName: true,
  onCompletion: true,
  onFailure: true,
  taskQueue: true,
  thread: true,
} satisfies Record<keyof TaskOptions, true>);

/** Task options validated, with defaults filled. */
export interface CompiledTaskOptions {
  readonly name: string;
  readonly taskKey: string;
  readonly description: string | null;
  readonly tags: readonly string[];
  readonly retry: CompiledRetryPolicy;
  readonly storedRetryPolicy: RetryPolicy;
  readonly timeoutMs: number | null;
  readonly cache: CompiledTaskCache | null;
  readonly persistResult: boolean;
  /** Where and how its results are stored (null fields: its flow's, then the defaults). */
  readonly results: ResultSettings;
  /** Name of each task run, or a function of the call's arguments; null: `name-N`. */
  readonly runName: string | ((...args: unknown[]) => string) | null;
  readonly onCompletion: readonly TaskHook[];
  readonly onFailure: readonly TaskHook[];
  /** Where attempts execute; null: in this process, on its event loop. */
  readonly placement: TaskPlacement | null;
}

/** Validate task options (errors name the bad field) and fill defaults; `fn`, the task function, is checked against the cache policy. */
export function compileTaskOptions(options: TaskOptions<never>, fallbackName: string, fn?: CachedFunction): CompiledTaskOptions {
  const name = options.name ?? fallbackName;
  const what = `options of task '${name || "(anonymous)"}'`;
  const owner = `task '${name || "(anonymous)"}'`;
  checkKnownOptions(options, { kind: "task", known: TASK_OPTION_KEYS, aliases: TASK_OPTION_ALIASES, owner });
  if (typeof name !== "string" || name.trim() === "") {
    throw WeirError.validation(what, [{ path: "name", message: "a task needs a name (give one, or use a named function)" }]);
  }
  const timeoutMs = compileTimeoutMs(options.timeoutSeconds, what);
  if (options.tags !== undefined && (!Array.isArray(options.tags) || options.tags.some((tag) => typeof tag !== "string"))) {
    throw WeirError.validation(what, [{ path: "tags", message: "must be a list of strings" }]);
  }
  const placement = compilePlacement(options, what);
  const retry = compileRetryPolicy(options, what);
  const cache = compileTaskCache(options.cache, name, fn);
  return Object.freeze({
    name,
    taskKey: name,
    description: options.description ?? null,
    tags: Object.freeze([...(options.tags ?? [])]),
    retry,
    storedRetryPolicy: { retries: retry.retries, retryDelaySeconds: storedRetryDelays(retry) },
    timeoutMs,
    cache,
    persistResult: options.persistResult ?? false,
    results: compileResultOptions(options, what),
    runName: (options.runName as CompiledTaskOptions["runName"]) ?? null,
    onCompletion: Object.freeze(toList(options.onCompletion) as TaskHook[]),
    onFailure: Object.freeze(toList(options.onFailure) as TaskHook[]),
    placement,
  });
}

const QUEUE_NAME = new RegExp(TASK_QUEUE_NAME_PATTERN);

function compilePlacement(options: TaskOptions<never>, what: string): TaskPlacement | null {
  const { taskQueue, thread } = options;
  if (thread !== undefined && typeof thread !== "boolean") throw WeirError.validation(what, [{ path: "thread", message: "must be true or false" }]);
  if (taskQueue === undefined) return thread === true ? Object.freeze({ kind: "thread" as const }) : null;
  if (typeof taskQueue !== "string" || !QUEUE_NAME.test(taskQueue) || taskQueue.length > MAX_TASK_QUEUE_NAME_LENGTH) {
    throw WeirError.validation(what, [{ path: "taskQueue", message: "must be a queue name: letters, digits, '.', '_' or '-' (at most 100)" }]);
  }
  if (thread === true) throw WeirError.validation(what, [{ path: "thread", message: "a task runs on a task queue or in a thread, not both" }]);
  return Object.freeze({ kind: "queue" as const, queue: taskQueue });
}

function toList<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
