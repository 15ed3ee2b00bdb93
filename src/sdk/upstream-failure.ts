import { WeirError } from "../core/weir-error.js";
import { TaskFuture } from "./task-future.js";

const ALLOW_FAILURE = Symbol("weir.allowFailure");

/** A future whose failure must not stop the tasks that wait for it. */
export interface AllowedFailure<R = unknown> {
  readonly [ALLOW_FAILURE]: TaskFuture<R>;
}

/** Something a task can wait for: a future, or a future wrapped in `allowFailure`. */
export type WaitForItem = TaskFuture<unknown> | AllowedFailure;

/**
 * Let a task that waits for this future run even when the future's task failed.
 * @example load.submit(rows, { waitFor: [allowFailure(cleanup)] })
 */
export function allowFailure<R>(future: TaskFuture<R>): AllowedFailure<R> {
  return { [ALLOW_FAILURE]: future };
}

/** Wait for upstream futures; the error to fail with when one failed (and failure is not allowed), else null. */
export async function upstreamFailure(waitFor: readonly WaitForItem[]): Promise<Error | null> {
  const outcomes = await Promise.all(
    waitFor.map(async (item) => {
      const isAllowed = !(item instanceof TaskFuture);
      const future = isAllowed ? item[ALLOW_FAILURE] : item;
      const outcome = await future.settled();
      return { future, isFailed: outcome.isFailed && !isAllowed };
    }),
  );
  const failed = outcomes.filter((outcome) => outcome.isFailed).map((outcome) => outcome.future);
  if (failed.length === 0) return null;
  return new WeirError("CONFLICT", `upstream task run(s) did not complete: ${failed.map((future) => `${future.taskName} (${future.id})`).join(", ")}`, {
    details: { upstreamTaskRunIds: failed.map((future) => future.id) },
  });
}

/** Whether a value is a waitFor item. */
export function isWaitForItem(value: unknown): value is WaitForItem {
  return value instanceof TaskFuture || (typeof value === "object" && value !== null && ALLOW_FAILURE in value);
}
