/**
 * What the engine knows about the run executing in the current async context, kept in an
 * AsyncLocalStorage: the flow run (and, inside a task, the task run). Internal; the public view
 * is `getRunContext()`.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { ReuseIndex } from "./reuse-index.js";
import type { TaskLimiter } from "./task-limiter.js";
import type { RunWriteBuffer } from "./run-write-buffer.js";
import type { ResultSettings } from "./results/persist-result.js";
import type { FlowRunTrace } from "./run-tracing.js";

/** The flow run executing in this async context. */
export interface FlowRunScope {
  readonly kind: "flow";
  readonly client: OrchestrationApi;
  readonly buffer: RunWriteBuffer;
  readonly flowRunId: string;
  /** The run's name (`rapid-beaver-16`), as printed in its log lines. */
  readonly flowRunName: string;
  readonly flowName: string;
  readonly parameters: Record<string, unknown>;
  attempt: number;
  /** The flow run's attempt as the server counts it (its run count), across processes. */
  flowAttempt: number;
  /** On a retry attempt, the finished task runs it may reuse (reuse-index.ts); null on a first attempt. */
  reuse: Promise<ReuseIndex | null> | null;
  readonly deploymentId: string | null;
  readonly scheduledTime: string | null;
  signal: AbortSignal;
  readonly logPrints: boolean;
  readonly taskLimiter: TaskLimiter | null;
  /** Next dynamic key per task key. */
  readonly dynamicKeys: Map<string, number>;
  /** Submitted task runs not yet settled (the flow waits for them before it ends). */
  readonly pendingTasks: Set<Promise<unknown>>;
  /** The flow's result settings, which its tasks inherit. */
  readonly results?: ResultSettings;
  /** The run's span, parent of its task runs' spans; null when traces are off (run-tracing.ts). */
  readonly trace: FlowRunTrace | null;
}

/** The task run executing in this async context. */
export interface TaskRunScope {
  readonly kind: "task";
  readonly flow: FlowRunScope | null;
  readonly client: OrchestrationApi;
  readonly buffer: RunWriteBuffer;
  readonly taskRunId: string;
  /** The run's name (`say-name-0`), as printed in its log lines. */
  readonly taskRunName: string;
  readonly taskName: string;
  readonly attempt: number;
  readonly signal: AbortSignal;
  readonly args: readonly unknown[];
}

/** A run scope. */
export type RunScope = FlowRunScope | TaskRunScope;

/** The storage that carries the run scope through async calls. */
export const runScopeStorage = new AsyncLocalStorage<RunScope>();

/** The flow run scope of the current context (directly or around the current task), if any. */
export function currentFlowScope(scope: RunScope | undefined = runScopeStorage.getStore()): FlowRunScope | null {
  if (scope === undefined) return null;
  return scope.kind === "flow" ? scope : scope.flow;
}
