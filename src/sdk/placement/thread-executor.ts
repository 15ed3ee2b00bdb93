/**
 * `thread: true`: each attempt runs in a new worker thread of this process, which imports the
 * module defining the task (task-definition.ts) and calls its body; arguments and the value are
 * structured-cloned. When the attempt's signal aborts (timeout, cancellation) the thread is
 * terminated. TypeScript modules are loaded through tsx, as in the calling process.
 */
import { Worker } from "node:worker_threads";
import { fileURLToPath } from "node:url";
import { NonRetryableError } from "../non-retryable-error.js";
import { runScopeStorage } from "../run-scope.js";

const THREAD_MAIN = new URL(`./task-thread-main${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url).href;

/** The executor of a task with `thread: true`. */
export function threadExecutor(module: string, taskName: string): (...args: unknown[]) => Promise<unknown> {
  return (...args: unknown[]) => {
    const signal = runScopeStorage.getStore()?.signal;
    return new Promise((resolve, reject) => {
      const needsTsx = /\.[cm]?tsx?$/.test(module) || THREAD_MAIN.endsWith(".ts");
      const load = `import(${JSON.stringify(THREAD_MAIN)})`;
      const code = needsTsx ? `import("tsx/esm/api").then(({ register }) => { register(); return ${load}; });` : `${load};`;
      let worker: Worker;
      try {
        worker = new Worker(code, { eval: true, workerData: { module, taskName, args } });
      } catch (error) {
        reject(new NonRetryableError(`task '${taskName}' could not start a thread: ${error instanceof Error ? error.message : String(error)}`));
        return;
      }
      let isSettled = false;
      const onAbort = () => void worker.terminate();
      signal?.addEventListener("abort", onAbort, { once: true });
      const settle = (fn: () => void) => {
        if (isSettled) return;
        isSettled = true;
        signal?.removeEventListener("abort", onAbort);
        fn();
        void worker.terminate();
      };
      worker.once("message", (message: { value?: unknown; error?: unknown; isError: boolean }) => settle(() => (message.isError ? reject(message.error) : resolve(message.value))));
      worker.once("error", (error) => settle(() => reject(error)));
      worker.once("exit", (code) => settle(() => reject(signal?.aborted === true ? signal.reason : new Error(`the thread of task '${taskName}' exited (code ${code}) without a result`))));
    });
  };
}

/** @internal The path of the thread's entry (for tests). */
export const threadMainPath = (): string => fileURLToPath(THREAD_MAIN);
