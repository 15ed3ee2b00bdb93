/**
 * How the engine runs a task's attempt when the task is placed elsewhere (`taskQueue`, `thread`):
 * an executor takes the place of the body in run-task.ts, called in the attempt's task-run scope;
 * states, retries, caching and hooks stay with the caller.
 */
import type { CompiledTaskOptions } from "../task-options.js";
import { queueExecutor } from "./task-queue-dispatcher.js";
import { threadExecutor } from "./thread-executor.js";
import { WeirError } from "../../core/weir-error.js";

type Body = (...args: unknown[]) => unknown;

const executors = new WeakMap<CompiledTaskOptions, Body>();

/** Register the executor of a placed task (nothing for a task that runs in place). */
export function registerTaskExecutor(options: CompiledTaskOptions, module: string | null): void {
  const { placement } = options;
  if (placement === null) return;
  if (module === null) {
    throw new WeirError("BAD_REQUEST", `task '${options.name}' has ${placement.kind === "queue" ? "taskQueue" : "thread"} set, but the module defining it could not be told: define it at the top level of a module file`);
  }
  executors.set(options, placement.kind === "queue" ? queueExecutor(placement.queue, module, options) : threadExecutor(module, options.name));
}

/** The executor of a task's attempts, or its body when it runs in place. */
export function executorOf(options: CompiledTaskOptions, body: Body): Body {
  return executors.get(options) ?? body;
}
