/**
 * The task engine: one call of a task, to its final state.
 *
 * Life of a task run: Pending, only when it has something to wait for (upstream `waitFor`
 * futures, where a failed one without `allowFailure` ends it Failed; a cache lookup, where a hit
 * ends it Cached without running the body; a slot of the flow's `taskConcurrency` or of tag
 * limits, AwaitingConcurrencySlot while waiting) → Running → Completed | Failed | TimedOut; a
 * failed attempt with retries left goes AwaitingRetry → Retrying. A task whose flow was stopped
 * from outside (sdk/flow-run-stop.ts) ends Cancelled when its body gives up, without retry. Once
 * the flow run's signal is aborted (stopped, timed out, or its task runs refused by the store),
 * no attempt starts: the task run ends Cancelled.
 * Every state goes through the client's write buffer (batched), never one write per state.
 * Here a call is admitted, numbered and named; `TaskRunExecution` (task-run-execution.ts) then
 * drives it through these states.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { WeirError } from "../core/weir-error.js";
import { installConsoleCapture } from "./console-capture.js";
import { getClient, writeBufferFor } from "./client-provider.js";
import { reuseKeyOf } from "./reuse-key.js";
import type { RunOutcome } from "./run-outcome.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";
import type { RunScope } from "./run-scope.js";
import type { RunWriteBuffer, TaskRunFields } from "./run-write-buffer.js";
import type { CompiledTaskOptions } from "./task-options.js";
import type { WaitForItem } from "./upstream-failure.js";
import { traceTaskRun } from "./run-tracing.js";
import { TaskRunExecution, type TaskBody, type TaskRunHandle } from "./task-run-execution.js";

// The handle and body types live beside the execution that uses them; imports of them from here keep working.
export type { TaskBody, TaskRunHandle } from "./task-run-execution.js";

// Task runs outside any flow are numbered per process.
const standaloneDynamicKeys = new Map<string, number>();

/**
 * Run one call of a task to its final state. Not `async`: a task with nothing to wait for goes
 * from here straight into its attempts, with no promise layer in between (every promise costs
 * on this path, the more so as AsyncLocalStorage hooks each one).
 */
export function runTask(
  options: CompiledTaskOptions,
  body: TaskBody,
  args: readonly unknown[],
  handle: TaskRunHandle,
  waitFor: readonly WaitForItem[] | undefined,
): Promise<RunOutcome> {
  const parent = runScopeStorage.getStore();
  if (parent === undefined) {
    return getClient().then((client) => {
      const buffer = writeBufferFor(client);
      if (buffer.admitRun()) return startTask(options, body, args, handle, waitFor, client, buffer, undefined);
      return new Promise<RunOutcome>((resolve, reject) =>
        buffer.queueRun(() => void startTask(options, body, args, handle, waitFor, client, buffer, undefined).then(resolve, reject), reject),
      );
    });
  }
  try {
    // Past so many starts in one turn of the event loop, the run starts on a later one (run-write-buffer.ts).
    if (parent.buffer.admitRun()) return startTask(options, body, args, handle, waitFor, parent.client, parent.buffer, parent);
    return new Promise<RunOutcome>((resolve, reject) =>
      parent.buffer.queueRun(() => void startTask(options, body, args, handle, waitFor, parent.client, parent.buffer, parent).then(resolve, reject), reject),
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

function startTask(
  options: CompiledTaskOptions,
  body: TaskBody,
  args: readonly unknown[],
  handle: TaskRunHandle,
  waitFor: readonly WaitForItem[] | undefined,
  client: OrchestrationApi,
  buffer: RunWriteBuffer,
  parent: RunScope | undefined,
): Promise<RunOutcome> {
  const flow = currentFlowScope(parent);
  if (flow === null) installConsoleCapture();
  const keys = flow?.dynamicKeys ?? standaloneDynamicKeys;
  const next = keys.get(options.taskKey) ?? 0;
  keys.set(options.taskKey, next + 1);
  const dynamicKey = String(next);
  const fields: TaskRunFields = {
    id: handle.id,
    flowRunId: flow?.flowRunId ?? null,
    name: runNameOf(options, args, dynamicKey),
    taskKey: options.taskKey,
    dynamicKey,
    tags: options.tags as string[],
    retryPolicy: options.storedRetryPolicy,
  };
  // Inside a flow run, every call records its reuse key, so a retry of the flow run can reuse it (reuse-key.ts).
  const reuseKey = flow === null ? null : reuseKeyOf(options.taskKey, body, args);
  const run = new TaskRunExecution(options, body, args, handle, fields, client, buffer, flow, parent, reuseKey);
  // A task that waits for nothing goes straight to Running: one state fewer to store per task.
  const hasToWait = (waitFor !== undefined && waitFor.length > 0) || options.cache !== null || flow?.taskLimiter != null || options.tags.length > 0;
  // Traces off: this one check is all they cost a task (run-tracing.ts).
  if (flow?.trace != null) return traceTaskRun(flow.trace, run.traced(flow.flowRunId), () => run.start(flow.reuse, reuseKey, waitFor, hasToWait));
  return run.start(flow?.reuse ?? null, reuseKey, waitFor, hasToWait);
}

function runNameOf(options: CompiledTaskOptions, args: readonly unknown[], dynamicKey: string): string {
  const { runName } = options;
  if (runName === null) return `${options.name}-${dynamicKey}`;
  if (typeof runName === "string") return runName;
  try {
    return String(runName(...args));
  } catch (error) {
    throw new WeirError("BAD_REQUEST", `runName of task '${options.name}' threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
