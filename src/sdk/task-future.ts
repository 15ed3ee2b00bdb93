import type { State } from "../core/states.js";
import type { RunOutcome } from "./run-outcome.js";
import type { TaskRunHandle } from "./run-task.js";

/**
 * The pending result of a submitted task run.
 * @example const future = double.submit(2); const four = await future.result();
 */
export class TaskFuture<R> {
  /** The task run's id (known at once). */
  readonly id: string;
  /** The task's name. */
  readonly taskName: string;
  private readonly handle: TaskRunHandle;
  private readonly outcome: Promise<RunOutcome>;

  /** @internal Made by `task.submit()` and `task.map()`. */
  constructor(taskName: string, handle: TaskRunHandle, outcome: Promise<RunOutcome>) {
    this.id = handle.id;
    this.taskName = taskName;
    this.handle = handle;
    // The caller (task.submit) keeps a rejected outcome from going unhandled.
    this.outcome = outcome;
  }

  /** The task run's latest state (null before its first state). */
  get state(): State | null {
    return this.handle.state;
  }

  /** Wait until the run ends; resolves with its final state, never throws for a failed run. */
  wait(): Promise<State> {
    // `then`, not `async`: one promise per call, no suspended function (maps make thousands).
    return this.outcome.then(stateOf);
  }

  /** The task's return value; throws what the task threw when it failed. */
  result(): Promise<R> {
    return this.outcome.then(valueOf<R>);
  }

  /** @internal The full outcome. */
  settled(): Promise<RunOutcome> {
    return this.outcome;
  }
}

function stateOf(outcome: RunOutcome): State {
  return outcome.state;
}

/** @internal The value of an outcome, or what the run threw. */
export function valueOf<R>(outcome: RunOutcome): R {
  if (outcome.isFailed) throw outcome.error;
  return outcome.value as R;
}

/** A list of futures from `task.map()`, with helpers over all of them. */
export type TaskFutureList<R> = Array<TaskFuture<R>> & {
  /** All return values, in order; throws the first failure. */
  result(): Promise<R[]>;
  /** Wait for all; their final states, in order. */
  wait(): Promise<State[]>;
};

/** Give an array of futures the TaskFutureList helpers. */
export function toFutureList<R>(futures: Array<TaskFuture<R>>): TaskFutureList<R> {
  return Object.assign(futures, {
    result: () => allValues(futures),
    wait: () => waitAll(futures),
  });
}

/**
 * The values of all futures in order, rejecting with the first failure as soon as it happens
 * (what `Promise.all` of their `result()` gives, with one promise per future instead of two).
 */
function allValues<R>(futures: ReadonlyArray<TaskFuture<R>>): Promise<R[]> {
  return new Promise<R[]>((resolve, reject) => {
    const values = new Array<R>(futures.length);
    let left = futures.length;
    if (left === 0) resolve(values);
    for (let index = 0; index < futures.length; index += 1) {
      futures[index]!.settled().then((outcome) => {
        if (outcome.isFailed) reject(outcome.error);
        values[index] = outcome.value as R;
        left -= 1;
        if (left === 0) resolve(values);
      }, reject);
    }
  });
}

/** Wait for every future to end (never throws for failed runs); their final states, in order. */
export function waitAll(futures: Iterable<TaskFuture<unknown>>): Promise<State[]> {
  return Promise.all([...futures].map((future) => future.wait()));
}

/**
 * Yield futures as they finish, the first done first.
 * @example for await (const future of asCompleted(futures)) console.log(await future.result());
 */
export async function* asCompleted<R>(futures: Iterable<TaskFuture<R>>): AsyncGenerator<TaskFuture<R>> {
  const pending = new Map<number, Promise<[number, TaskFuture<R>]>>();
  let index = 0;
  for (const future of futures) {
    const key = index++;
    pending.set(key, future.settled().then(() => [key, future]));
  }
  while (pending.size > 0) {
    const [key, future] = await Promise.race(pending.values());
    pending.delete(key);
    yield future;
  }
}
