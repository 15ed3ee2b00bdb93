/**
 * The `weir` package root: flows, tasks and everything a flow body uses (DESIGN §2).
 * Clients, server, worker and core types live under the subpath exports (`weir/client`, …).
 */
export { flow, isFlow } from "./sdk/flow.js";
export type { Flow, AnyFlow, FlowDeployOptions, FlowServeOptions } from "./sdk/flow.js";
export type { FlowOptions, FlowHook, FlowHookContext, CompiledFlowOptions } from "./sdk/flow-options.js";
export type { DeployOptions, DeploySchedule, DeploySchedulePolicies, SchedulePolicyOptions } from "./sdk/deploy.js";
export type { CatchupPolicy, OverlapPolicy } from "./core/schedules/schedule-policies.js";
export type { ServeOptions } from "./sdk/serve.js";
export { task, unmapped } from "./sdk/task.js";
export type { Task, TaskFunction, SubmitOptions, MapArgs, Unmapped } from "./sdk/task.js";
export type { TaskOptions, TaskHook, TaskHookContext, CompiledTaskOptions, TaskPlacement } from "./sdk/task-options.js";
export type { DeploymentTriggerInput } from "./sdk/deployment-triggers.js";
export { inputs, taskSource, flowParameters, runId, none, cacheKey } from "./sdk/cache-policy.js";
export type { CachePolicy, CachePolicyOption, CacheKeyContext, CacheKeyFunction, CachedFunction } from "./sdk/cache-policy.js";
export type { TaskCacheOptions, CompiledTaskCache, CacheEntry, CacheValidityCheck } from "./sdk/task-cache.js";
export { TaskFuture, waitAll, asCompleted } from "./sdk/task-future.js";
export type { TaskFutureList } from "./sdk/task-future.js";
export { allowFailure } from "./sdk/upstream-failure.js";
export type { AllowedFailure, WaitForItem } from "./sdk/upstream-failure.js";
export { exponentialBackoff } from "./sdk/retry-policy.js";
export type { RetryOptions, RetryDelay } from "./sdk/retry-policy.js";
export { NonRetryableError } from "./sdk/non-retryable-error.js";
export { RetryAfterError } from "./sdk/retry-after-error.js";
export { getRunContext } from "./sdk/run-context.js";
export type { RunContext } from "./sdk/run-context.js";
export { getRunLogger } from "./sdk/run-logger.js";
export type { RunLogger } from "./sdk/run-logger.js";
export {
  createMarkdownArtifact,
  createTableArtifact,
  createLinkArtifact,
  createProgressArtifact,
  updateProgressArtifact,
} from "./sdk/artifacts.js";
export type { ArtifactOptions } from "./sdk/artifacts.js";
export { Variables } from "./sdk/variables.js";
export { pauseFlowRun } from "./sdk/pause-flow-run.js";
export type { PauseFlowRunOptions } from "./sdk/pause-flow-run.js";
export type { PauseInput, PauseInputValue } from "./sdk/pause-input.js";
export { suspendFlowRun, FlowRunSuspendedSignal } from "./sdk/suspend-flow-run.js";
export { sleepUntil, DEFAULT_SUSPEND_THRESHOLD_SECONDS, type SleepUntilOptions } from "./sdk/sleep-until.js";
export { waitForEvent, type WaitForEventOptions } from "./sdk/wait-for-event.js";
export { runDeployment } from "./sdk/run-deployment.js";
export type { RunDeploymentOptions } from "./sdk/run-deployment.js";
export { executeFlowRun } from "./sdk/execute-flow-run.js";
export type { ExecuteFlowRunOptions } from "./sdk/execute-flow-run.js";
export { loadFlow } from "./sdk/load-flow.js";
export { getClient, setClient, flushAll } from "./sdk/client-provider.js";
export { setEngineEffects } from "./sdk/engine-effects.js";
export type { EngineEffects } from "./sdk/engine-effects.js";
export type { StandardSchemaV1 } from "./sdk/standard-schema.js";
export { WeirError, isWeirError } from "./core/weir-error.js";
export type { ErrorCode } from "./core/error-codes.js";
export type { State, StateType, StateName } from "./core/states.js";
export { jsonSerializer, bytesSerializer } from "./sdk/results/result-serializer.js";
export type { ResultSerializer, ResultSerializerOption } from "./sdk/results/result-serializer.js";
export type { ResultStore, StoredResultInfo } from "./sdk/results/result-store.js";
export type { ResultOptions } from "./sdk/results/compile-result-options.js";
export type { ResultSettings } from "./sdk/results/persist-result.js";
export type { ResultStorageOption } from "./sdk/results/result-store-for.js";
export { shellTask } from "./sdk/subprocess/shell-task.js";
export type { ShellTaskOptions, ShellCommand } from "./sdk/subprocess/shell-task.js";
export { pythonTask } from "./sdk/subprocess/python-task.js";
export type { PythonTaskOptions } from "./sdk/subprocess/python-task.js";
export type { SubprocessStepOptions } from "./sdk/subprocess/step-options.js";
export { SubprocessError } from "./sdk/subprocess/subprocess-error.js";
