/** Public surface of `weir/worker`: the worker loop and the run process it starts. */
export { startWorker, type RunningWorker } from "./start-worker.js";
export { compileWorkerOptions, type WorkerOptions, type CompiledWorkerOptions } from "./worker-options.js";
export { spawnFlowRunProcess, WEIR_BIN, type SpawnFlowRun, type FlowRunProcessRequest } from "./flow-run-process.js";
export type { InlineExecutor, InlineRunRequest } from "./inline-run.js";
export type { SpawnPooledProcess } from "./run-process-pool.js";
