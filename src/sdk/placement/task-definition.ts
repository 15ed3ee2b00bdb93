/**
 * What a task object carries so that another process or thread can run it: its body (the
 * function) and the module that defined it (the first file outside Weir on the stack of its
 * `task()` call). `findTask()` imports such a module and finds the exported task by name: task
 * workers and worker threads run a task this way, so they need the same code at the same path.
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { WeirError } from "../../core/weir-error.js";
import type { CompiledTaskOptions } from "../task-options.js";

const TASK_DEFINITION = Symbol.for("weir.task.definition");

/** The body and defining module of a task. */
export interface TaskDefinition {
  readonly options: CompiledTaskOptions;
  readonly body: (...args: unknown[]) => unknown;
  /** Absolute path of the defining module, or null when it could not be told. */
  readonly module: string | null;
}

/** Attach a task's definition to the task object. */
export function attachTaskDefinition(made: object, definition: TaskDefinition): void {
  Object.defineProperty(made, TASK_DEFINITION, { value: definition });
}

/** The definition of a task object, or null for anything else. */
export function taskDefinitionOf(value: unknown): TaskDefinition | null {
  if ((typeof value !== "function" && typeof value !== "object") || value === null) return null;
  const definition = (value as Record<symbol, unknown>)[TASK_DEFINITION];
  return definition === undefined ? null : (definition as TaskDefinition);
}

const imported = new Map<string, Promise<Record<string, unknown>>>();

/** Import `module` (an absolute path or file URL) and return the task it exports under the name `taskName`. */
export async function findTask(module: string, taskName: string): Promise<TaskDefinition> {
  const url = module.startsWith("file:") ? module : isAbsolute(module) ? pathToFileURL(module).href : null;
  if (url === null) throw new WeirError("BAD_REQUEST", `task '${taskName}': module '${module}' is not an absolute path`);
  let loading = imported.get(url);
  if (loading === undefined) {
    loading = import(url) as Promise<Record<string, unknown>>;
    imported.set(url, loading);
  }
  let exports: Record<string, unknown>;
  try {
    exports = await loading;
  } catch (error) {
    imported.delete(url);
    throw new WeirError("NOT_FOUND", `task '${taskName}': cannot import ${module} (a task worker needs the flow's code at the same path): ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  for (const value of Object.values(exports)) {
    const definition = taskDefinitionOf(value);
    if (definition !== null && definition.options.name === taskName) return definition;
  }
  throw new WeirError("NOT_FOUND", `task '${taskName}' is not exported by ${module} (export the task so task workers and threads can find it)`);
}
