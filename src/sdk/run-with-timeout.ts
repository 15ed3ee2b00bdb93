import { WeirError } from "../core/weir-error.js";

/** The error a run gets when its `timeoutSeconds` passes. */
export class RunTimeoutError extends WeirError {
  constructor(what: string, timeoutMs: number) {
    super("TIMEOUT", `${what} timed out after ${timeoutMs / 1000} s`);
  }
}

/**
 * Run `body`; if it has not settled after `timeoutMs`, abort `controller` and reject with a
 * RunTimeoutError (the body keeps running in the background until it notices the signal).
 */
export async function runWithTimeout<R>(body: () => R | Promise<R>, timeoutMs: number, controller: AbortController, what: string): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new RunTimeoutError(what, timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    return await Promise.race([Promise.resolve().then(body), timeout]);
  } finally {
    clearTimeout(timer);
  }
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
