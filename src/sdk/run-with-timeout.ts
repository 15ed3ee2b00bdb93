import { performance } from "node:perf_hooks";
import { setLongTimeout, type LongTimeout } from "../core/clock.js";
import { MAX_INTERVAL_SECONDS } from "../core/input-limits.js";
import { WeirError } from "../core/weir-error.js";

/**
 * A flow's or task's `timeoutSeconds` in ms, or null without one; refused (naming the field, in
 * `what`) unless a number > 0 and at most 100 years (the limit the task queue stores).
 */
export function compileTimeoutMs(timeoutSeconds: number | undefined, what: string): number | null {
  if (timeoutSeconds === undefined) return null;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > MAX_INTERVAL_SECONDS) {
    throw WeirError.validation(what, [{ path: "timeoutSeconds", message: `must be a number > 0 and at most ${MAX_INTERVAL_SECONDS} (100 years)` }]);
  }
  return timeoutSeconds * 1000;
}

/** The error a run gets when its `timeoutSeconds` passes. */
export class RunTimeoutError extends WeirError {
  /** How long the body ran past its timeout, in ms (0 when the timer stopped it in time). */
  readonly overrunMs: number;

  constructor(what: string, timeoutMs: number, overrunMs = 0) {
    super(
      "TIMEOUT",
      overrunMs > 0
        ? `${what} exceeded its timeout of ${timeoutMs / 1000} s by ${Number((overrunMs / 1000).toPrecision(2))} s (it blocked the event loop)`
        : `${what} timed out after ${timeoutMs / 1000} s`,
    );
    this.overrunMs = overrunMs;
  }
}

/**
 * Run `body`; if it has not settled after `timeoutMs`, abort `controller` and reject with a
 * RunTimeoutError (the body keeps running in the background until it notices the signal).
 * A body that settles late because it kept the thread busy (the timer could not fire) is timed
 * out too, with how long it overran: a run never ends well past its timeout.
 */
export async function runWithTimeout<R>(body: () => R | Promise<R>, timeoutMs: number, controller: AbortController, what: string): Promise<R> {
  let timer: LongTimeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setLongTimeout(() => {
      const error = new RunTimeoutError(what, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  const startedAt = performance.now();
  const overran = (): RunTimeoutError | null => {
    const overrunMs = performance.now() - startedAt - timeoutMs;
    if (overrunMs <= 0 || controller.signal.aborted) return null;
    const error = new RunTimeoutError(what, timeoutMs, overrunMs);
    controller.abort(error);
    return error;
  };
  let value: R;
  try {
    value = await Promise.race([Promise.resolve().then(body), timeout]);
  } catch (error) {
    throw overran() ?? error;
  } finally {
    timer?.clear();
  }
  const late = overran();
  if (late !== null) throw late;
  return value;
}

/** An AbortController that also aborts when `parent` does; `dispose()` unlinks it once the run ends. */
export function linkedController(parent: AbortSignal | undefined): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  if (parent === undefined) return { controller, dispose: () => undefined };
  if (parent.aborted) {
    controller.abort(parent.reason);
    return { controller, dispose: () => undefined };
  }
  const onAbort = (): void => controller.abort(parent.reason);
  parent.addEventListener("abort", onAbort, { once: true });
  return { controller, dispose: () => parent.removeEventListener("abort", onAbort) };
}
