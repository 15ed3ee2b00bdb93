/**
 * A task worker's side of one queue item: import the task, call its body in a task-run scope
 * (so `getRunContext()`, `getRunLogger()` and print capture work, logs going to the task run),
 * within the attempt's timeout, and turn what happened into the JSON outcome the caller reads.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { ClaimedTaskRun } from "../../core/task-queue.js";
import { findSerializationProblem } from "../assert-serializable.js";
import { writeBufferFor } from "../client-provider.js";
import { runScopeStorage, type TaskRunScope } from "../run-scope.js";
import { linkedController, runWithTimeout } from "../run-with-timeout.js";
import { findTask } from "./task-definition.js";

/** What executing an item gave: the outcome JSON, and whether it failed. */
export interface QueuedTaskOutcome {
  isFailed: boolean;
  outcome: string;
}

/** Execute one claimed item to its outcome (never throws). */
export async function executeQueuedTask(client: OrchestrationApi, item: ClaimedTaskRun, stop: AbortSignal): Promise<QueuedTaskOutcome> {
  const link = linkedController(stop);
  try {
    const { body } = await findTask(item.module, item.taskName);
    const args = JSON.parse(item.args) as unknown[];
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
    const run = () => runScopeStorage.run(scope, body, ...args);
    const value = item.timeoutMs === null ? await run() : await runWithTimeout(run, item.timeoutMs, link.controller, `task run ${item.taskRunId} on task queue '${item.queue}'`);
    const problem = findSerializationProblem(value, "value");
    if (problem !== null) {
      return failure({ name: "NonRetryableError", message: `the value of task '${item.taskName}' cannot travel back from a task worker as JSON: ${problem.path} is ${problem.found}` });
    }
    return { isFailed: false, outcome: JSON.stringify({ value: value ?? null }) };
  } catch (error) {
    const thrown = error instanceof Error ? error : new Error(String(error));
    return failure({ name: thrown.name, message: thrown.message, ...(thrown.stack === undefined ? {} : { stack: thrown.stack }) });
  } finally {
    link.dispose();
  }
}

function failure(error: { name: string; message: string; stack?: string }): QueuedTaskOutcome {
  return { isFailed: true, outcome: JSON.stringify({ error }) };
}
