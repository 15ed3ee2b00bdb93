/**
 * `task()`: wrap a function as a Weir task. A task is callable like the function (its value, or
 * what it threw after its last retry), and can be submitted (a future), mapped over inputs, and
 * re-optioned with `with()`. See run-task.ts for the life of a task run.
 */
import { WeirError } from "../core/weir-error.js";
import { callerFile } from "./entrypoint-inference.js";
import { attachTaskDefinition } from "./placement/task-definition.js";
import { registerTaskExecutor } from "./placement/task-executors.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";
import { runTask } from "./run-task.js";
import type { TaskBody, TaskRunHandle } from "./run-task.js";
import { TaskFuture, toFutureList, valueOf } from "./task-future.js";
import type { TaskFutureList } from "./task-future.js";
import { compileTaskOptions } from "./task-options.js";
import type { CompiledTaskOptions, TaskOptions } from "./task-options.js";
import { isWaitForItem } from "./upstream-failure.js";
import { timeOrderedId } from "./time-ordered-id.js";
import type { WaitForItem } from "./upstream-failure.js";

/** Options of one `submit()` call. */
export interface SubmitOptions {
  /** Futures that must finish first (a failed one fails this run unless wrapped in `allowFailure`). @default [] */
  waitFor?: WaitForItem[];
}

const UNMAPPED = Symbol("weir.unmapped");

/** A value `map()` passes whole to every call instead of iterating it. */
export interface Unmapped<T> {
  readonly [UNMAPPED]: T;
}

/**
 * Pass a value whole to every call of `task.map()`.
 * @example add.map([1, 2, 3], unmapped(10))
 */
export function unmapped<T>(value: T): Unmapped<T> {
  return { [UNMAPPED]: value };
}

/** Arguments of `map()`: for each parameter, a list of values (one per call) or an `unmapped` value. */
export type MapArgs<Args extends unknown[]> = { [K in keyof Args]: Iterable<Args[K]> | Unmapped<Args[K]> };

/** A Weir task: call it, `submit()` it, `map()` it. */
export interface Task<Args extends unknown[], R> {
  (...args: Args): Promise<R>;
  /** The task's name. */
  readonly taskName: string;
  /** Compiled options. */
  readonly options: CompiledTaskOptions;
  /** Start a run now and return its future; a last argument `{ waitFor }` orders it after others. */
  submit(...args: Args | [...Args, SubmitOptions]): TaskFuture<R>;
  /** One run per position of the given lists (zipped; `unmapped()` values are passed whole). */
  map(...args: MapArgs<Args>): TaskFutureList<R>;
  /** The same function with some options replaced. */
  with(options: TaskOptions<R>): Task<Args, R>;
}

/** A function that Weir can run as a task. */
export type TaskFunction<Args extends unknown[], R> = (...args: Args) => R | Promise<R>;

/**
 * Make a task of a function.
 * @example const double = task("double", async (x: number) => x * 2);
 */
export function task<Args extends unknown[], R>(nameOrOptions: string | TaskOptions<Awaited<R>>, fn: TaskFunction<Args, R>): Task<Args, Awaited<R>> {
  if (typeof fn !== "function") throw WeirError.validation("task()", [{ path: "fn", message: "the second argument must be a function" }]);
  const options = typeof nameOrOptions === "string" ? { name: nameOrOptions } : (nameOrOptions ?? {});
  // The defining module, for task workers and threads (see placement/task-definition.ts).
  return makeTask(options as TaskOptions<never>, fn as unknown as TaskBody, callerFile());
}

function makeTask<Args extends unknown[], R>(raw: TaskOptions<never>, body: TaskBody, module: string | null): Task<Args, R> {
  const options = compileTaskOptions(raw, body.name, body);
  registerTaskExecutor(options, module);
  const call = (...args: unknown[]): Promise<R> => runTask(options, body, args, { id: timeOrderedId(), state: null }, undefined).then(valueOf<R>);
  const submitOne = (args: readonly unknown[], waitFor: readonly WaitForItem[] | undefined): TaskFuture<R> => {
    const handle: TaskRunHandle = { id: timeOrderedId(), state: null };
    const outcome = runTask(options, body, args, handle, waitFor);
    const flow = currentFlowScope(runScopeStorage.getStore());
    if (flow === null) {
      // A future nobody awaits must not crash the process with an unhandled rejection.
      void outcome.catch(ignore);
    } else {
      // The flow waits for its submitted runs before it ends. (Inline handlers: a named local
      // function is re-named on every call where names are kept, e.g. under tsx.)
      flow.pendingTasks.add(outcome);
      void outcome.then(
        () => flow.pendingTasks.delete(outcome),
        () => flow.pendingTasks.delete(outcome),
      );
    }
    return new TaskFuture<R>(options.name, handle, outcome);
  };
  const made = Object.assign(call, {
    taskName: options.name,
    options,
    submit: (...args: unknown[]) => {
      const last = args.at(-1);
      if (args.length > 0 && isSubmitOptions(last)) return submitOne(args.slice(0, -1), last.waitFor);
      return submitOne(args, undefined);
    },
    map: (...lists: unknown[]) => toFutureList(zipArgs(options.name, lists).map((args) => submitOne(args, undefined))),
    with: (patch: TaskOptions<R>) => makeTask<Args, R>({ ...raw, ...(patch as TaskOptions<never>) }, body, module),
  });
  Object.defineProperty(made, "name", { value: options.name });
  attachTaskDefinition(made, { options, body, module });
  return made;
}

function ignore(): void {}

function isSubmitOptions(value: unknown): value is SubmitOptions {
  if (typeof value !== "object" || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === "waitFor" && Array.isArray((value as SubmitOptions).waitFor) && (value as SubmitOptions).waitFor!.every(isWaitForItem);
}

function zipArgs(taskName: string, lists: readonly unknown[]): unknown[][] {
  type Column = { items: unknown[] | null; whole: unknown };
  const columns = lists.map((list): Column => {
    if (typeof list === "object" && list !== null && UNMAPPED in list) return { items: null, whole: (list as Unmapped<unknown>)[UNMAPPED] };
    if (typeof list === "string" || typeof list !== "object" || list === null || !(Symbol.iterator in list)) return { items: null, whole: list };
    return { items: [...(list as Iterable<unknown>)], whole: undefined };
  });
  const lengths = new Set(columns.flatMap((column) => (column.items === null ? [] : [column.items.length])));
  if (lengths.size > 1) {
    throw WeirError.validation(`map() of task '${taskName}'`, [{ path: "args", message: `lists have different lengths: ${[...lengths].join(", ")}` }]);
  }
  const count = lengths.size === 0 ? 1 : [...lengths][0]!;
  return Array.from({ length: count }, (_, index) => columns.map((column) => (column.items === null ? column.whole : column.items[index])));
}
