/**
 * A task worker's side of one queue item: import the task, read its arguments (from result
 * storage when they were too large for the row: task-payload.ts), call its body in a task-run
 * scope (so `getRunContext()`, `getRunLogger()` and print capture work, logs going to the task
 * run) within the attempt's timeout, and turn what happened into the JSON outcome the caller
 * reads, inline or through result storage.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { ClaimedTaskRun } from "../../core/task-queue.js";
import { findSerializationProblem } from "../assert-serializable.js";
import { writeBufferFor } from "../client-provider.js";
import type { ResultStorageOption } from "../results/result-store-for.js";
import { runScopeStorage, type TaskRunScope } from "../run-scope.js";
import { linkedController, runWithTimeout } from "../run-with-timeout.js";
import { findTask, type TaskDefinition } from "./task-definition.js";
import { packPayload, payloadStorage, readPayload } from "./task-payload.js";

/** What executing an item gave: the outcome for the row (inline JSON, or a reference to result storage), and whether it failed. */
export interface QueuedTaskOutcome {
  isFailed: boolean;
  outcome: string;
}

type StoredError = { name: string; message: string; stack?: string };
type Outcome = { isFailed: false; value: unknown } | { isFailed: true; error: StoredError };

// A failure to store an outcome is reported in the row, so it must fit there.
const MAX_FALLBACK_MESSAGE_CHARS = 4000;

/** Execute one claimed item to its outcome (never throws). */
export async function executeQueuedTask(client: OrchestrationApi, item: ClaimedTaskRun, stop: AbortSignal): Promise<QueuedTaskOutcome> {
  let storage = payloadStorage(null);
  let outcome: Outcome;
  try {
    const definition = await findTask(item.module, item.taskName);
    storage = payloadStorage(definition.options.results.storage);
    outcome = await runItem(client, item, definition, storage, stop);
  } catch (error) {
    outcome = { isFailed: true, error: storedErrorOf(error) };
  }
  const json = JSON.stringify(outcome.isFailed ? { error: outcome.error } : { value: outcome.value });
  try {
    const { text } = await packPayload(json, storage);
    return { isFailed: outcome.isFailed, outcome: text };
  } catch (error) {
    const { name, message } = storedErrorOf(error);
    const cannot = `the ${outcome.isFailed ? "error" : "value"} of task '${item.taskName}' (${Buffer.byteLength(json)} bytes of JSON) could not be written to result storage: ${name}: ${message}`;
    return { isFailed: true, outcome: JSON.stringify({ error: { name: "Error", message: cannot.slice(0, MAX_FALLBACK_MESSAGE_CHARS) } }) };
  }
}

async function runItem(client: OrchestrationApi, item: ClaimedTaskRun, definition: TaskDefinition, storage: ResultStorageOption, stop: AbortSignal): Promise<Outcome> {
  const link = linkedController(stop);
  try {
    const { value: args } = await readPayload(item.args, storage);
    if (!Array.isArray(args)) throw new Error(`task-queue item ${item.id}: its arguments are not a JSON array`);
    const scope: TaskRunScope = {
      kind: "task",
      flow: null,
      client,
      buffer: writeBufferFor(client),
      taskRunId: item.taskRunId,
      taskRunName: `${item.taskName} (${item.id})`,
      taskName: item.taskName,
      attempt: item.attempt,
      signal: link.controller.signal,
      args,
    };
    const run = () => runScopeStorage.run(scope, definition.body, ...args);
    const value = item.timeoutMs === null ? await run() : await runWithTimeout(run, item.timeoutMs, link.controller, `task run ${item.taskRunId} on task queue '${item.queue}'`);
    const problem = findSerializationProblem(value, "value");
    if (problem !== null) {
      return { isFailed: true, error: { name: "NonRetryableError", message: `the value of task '${item.taskName}' cannot travel back from a task worker as JSON: ${problem.path} is ${problem.found}` } };
    }
    return { isFailed: false, value: value ?? null };
  } finally {
    link.dispose();
  }
}

function storedErrorOf(error: unknown): StoredError {
  const thrown = error instanceof Error ? error : new Error(String(error));
  return { name: thrown.name, message: thrown.message, ...(thrown.stack === undefined ? {} : { stack: thrown.stack }) };
}
