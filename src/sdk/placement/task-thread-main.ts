/**
 * Entry of a task's worker thread (thread-executor.ts): import the module defining the task,
 * call its body with the arguments, post back `{ value }` or `{ error }`.
 */
import { parentPort, workerData } from "node:worker_threads";
import { findTask } from "./task-definition.js";

const { module, taskName, args } = workerData as { module: string; taskName: string; args: unknown[] };
try {
  const { body } = await findTask(module, taskName);
  const value = await body(...args);
  parentPort!.postMessage({ value, isError: false });
} catch (error) {
  parentPort!.postMessage({ error, isError: true });
}
