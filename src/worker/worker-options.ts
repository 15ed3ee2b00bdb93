/** Options of `startWorker` (src/worker/start-worker.ts), and their compiled form. */
import { hostname } from "node:os";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { realSleep, systemClock, type Clock, type Sleep } from "../core/clock.js";
import { checkKnownOptions, type OptionAliases } from "../core/option-checks.js";
import { WeirError } from "../core/weir-error.js";
import { weirHome } from "../client/settings.js";
import { spawnFlowRunProcess, type SpawnFlowRun } from "./flow-run-process.js";
import { spawnPooledProcess, type SpawnPooledProcess } from "./run-process-pool.js";
import type { InlineExecutor } from "./inline-run.js";
import { EXECUTION_MODES, type ExecutionMode } from "../core/models.js";

export { EXECUTION_MODES, type ExecutionMode } from "../core/models.js";

/** Options of a worker. */
export interface WorkerOptions {
  /** The orchestration API to claim from and report to. */
  client: OrchestrationApi;
  /** Pool to poll. @default "default" */
  workPoolName?: string;
  /** Queues of the pool to poll. @default all of the pool's queues, by priority */
  workQueueNames?: string[];
  /** Most runs executing at once. @default 4 */
  limit?: number;
  /** Worker name (unique per pool). @default `<hostname>-<pid>` */
  name?: string;
  /** Fallback poll when no event woke the worker. @default 5000 */
  pollIntervalMs?: number;
  /** How often the worker and each of its runs heartbeat. @default 10 */
  heartbeatIntervalSeconds?: number;
  /** Between SIGTERM and SIGKILL when cancelling a run. @default 10000 */
  killGraceMs?: number;
  /** On stop, how long runs may still finish before they are killed and marked Crashed. @default 30000 */
  shutdownGraceMs?: number;
  /** Server URL given to child processes as WEIR_API_URL. @default process.env.WEIR_API_URL */
  apiUrl?: string;
  /** Extra environment of child processes. @default {} */
  env?: Record<string, string>;
  /** Starts the child process of a run. @default spawnFlowRunProcess */
  spawn?: SpawnFlowRun;
  /** Run processes kept started ahead, waiting for the next runs (src/worker/warm-spare.ts); 0: none. @default min(2, limit) */
  warmSpares?: number;
  /** How runs of deployments that name no `execution` run (theirs wins, see `allowInline`). @default "process" */
  execution?: ExecutionMode;
  /** Whether a deployment's `execution: inline` runs in this worker's process; else it runs `pooled`. @default execution === "inline" */
  allowInline?: boolean;
  /** Pooled processes kept started ahead of runs (at most `limit`). @default limit when execution is pooled, else 0 */
  poolSize?: number;
  /** A pooled process is retired after this many runs. @default 1000 */
  maxRunsPerProcess?: number;
  /** A pooled process whose resident memory passed this after a run is retired. @default 1024 */
  maxProcessMemoryMb?: number;
  /** Loads and runs a flow in this process for `inline` (the worker layer cannot import the SDK; the CLI passes src/cli/flow-runs/inline-executor.ts). @default none: inline runs run pooled */
  inlineExecutor?: InlineExecutor;
  /** Starts a pooled run process. @default spawnPooledProcess */
  spawnPooled?: SpawnPooledProcess;
  /** Also record child stdout in the run's logs (the SDK records prints already). @default false */
  forwardStdout?: boolean;
  /** Also write child output to this stream (the CLI passes stdout). */
  echo?: NodeJS.WritableStream | null;
  /** Where pulled code and its dependencies are cached (`code/`, `deps/` under it; src/worker/code-pull.ts). @default $WEIR_HOME */
  codeCacheDir?: string;
  /** Create the pool when it does not exist. @default false */
  createPoolIfMissing?: boolean;
  /** @default systemClock */
  clock?: Clock;
  /** @default realSleep */
  sleep?: Sleep;
  /** Aborting stops the worker (see `shutdownGraceMs`). */
  signal?: AbortSignal;
  /** Called with errors the loop survives (a failed claim or heartbeat). @default ignore */
  onError?: (error: unknown) => void;
}

// Every key of WorkerOptions, checked against the interface by the compiler.
const WORKER_OPTION_KEYS = Object.keys({
  client: true,
  workPoolName: true,
  workQueueNames: true,
  limit: true,
  name: true,
  pollIntervalMs: true,
  heartbeatIntervalSeconds: true,
  killGraceMs: true,
  shutdownGraceMs: true,
  apiUrl: true,
  env: true,
  spawn: true,
  warmSpares: true,
  execution: true,
  allowInline: true,
  poolSize: true,
  maxRunsPerProcess: true,
  maxProcessMemoryMb: true,
  spawnPooled: true,
  inlineExecutor: true,
  forwardStdout: true,
  echo: true,
  createPoolIfMissing: true,
  codeCacheDir: true,
  clock: true,
  sleep: true,
  signal: true,
  onError: true,
} satisfies Record<keyof WorkerOptions, true>);

// The spellings of the CLI flags and of Prefect's worker.
const WORKER_OPTION_ALIASES: OptionAliases = {
  pool: "workPoolName",
  workPool: "workPoolName",
  queue: "workQueueNames",
  queues: "workQueueNames",
  workQueue: "workQueueNames",
  workQueues: "workQueueNames",
  workQueueName: "workQueueNames",
  concurrency: "limit",
  concurrencyLimit: "limit",
  heartbeatInterval: "heartbeatIntervalSeconds",
  heartbeatIntervalMs: "use heartbeatIntervalSeconds, in seconds",
  pollInterval: "pollIntervalMs",
  pollIntervalSeconds: "use pollIntervalMs, in milliseconds",
  executionMode: "execution",
  mode: "execution",
  maxRuns: "maxRunsPerProcess",
  maxMemoryMb: "maxProcessMemoryMb",
  prefetchSeconds: "runs are claimed when due; there is no prefetch",
  prefetch_seconds: "runs are claimed when due; there is no prefetch",
};

/** Worker options validated, with defaults filled. */
export type CompiledWorkerOptions = Readonly<
  Required<Omit<WorkerOptions, "workQueueNames" | "apiUrl" | "signal" | "echo" | "inlineExecutor">> & {
    inlineExecutor: InlineExecutor | null;
    workQueueNames: readonly string[] | null;
    apiUrl: string | null;
    signal: AbortSignal | null;
    echo: NodeJS.WritableStream | null;
  }
>;

function positive(value: number | undefined, fallback: number, field: string, min = 1): number {
  const result = value ?? fallback;
  if (typeof result !== "number" || !Number.isFinite(result) || result < min) {
    throw WeirError.validation("worker options", [{ path: field, message: `must be a number ≥ ${min}` }]);
  }
  return result;
}

/** Validate worker options (errors name the field) and fill defaults. */
export function compileWorkerOptions(options: WorkerOptions): CompiledWorkerOptions {
  checkKnownOptions(options, { kind: "worker", known: WORKER_OPTION_KEYS, aliases: WORKER_OPTION_ALIASES });
  if (typeof options?.client !== "object" || options.client === null) {
    throw WeirError.validation("worker options", [{ path: "client", message: "an orchestration client is required" }]);
  }
  const queues = options.workQueueNames?.filter((name) => name.trim() !== "");
  const limit = Math.floor(positive(options.limit, 4, "limit"));
  const execution = options.execution ?? "process";
  if (!EXECUTION_MODES.includes(execution)) {
    throw WeirError.validation("worker options", [{ path: "execution", message: `must be one of ${EXECUTION_MODES.join(", ")}` }]);
  }
  const poolSize = Math.floor(positive(options.poolSize, execution === "pooled" ? limit : 0, "poolSize", 0));
  if (execution === "inline" && options.inlineExecutor === undefined) {
    throw WeirError.validation("worker options", [{ path: "inlineExecutor", message: "execution inline needs an inlineExecutor (the CLI's worker passes one)" }]);
  }
  if (poolSize > limit) throw WeirError.validation("worker options", [{ path: "poolSize", message: `must be at most limit (${limit}): each pooled process runs one run at a time` }]);
  return Object.freeze({
    client: options.client,
    workPoolName: options.workPoolName ?? "default",
    workQueueNames: queues === undefined || queues.length === 0 ? null : Object.freeze([...queues]),
    limit,
    name: options.name ?? `${hostname()}-${process.pid}`,
    pollIntervalMs: positive(options.pollIntervalMs, 5000, "pollIntervalMs", 10),
    heartbeatIntervalSeconds: positive(options.heartbeatIntervalSeconds, 10, "heartbeatIntervalSeconds", 0.05),
    killGraceMs: positive(options.killGraceMs, 10_000, "killGraceMs", 0),
    shutdownGraceMs: positive(options.shutdownGraceMs, 30_000, "shutdownGraceMs", 0),
    apiUrl: options.apiUrl ?? process.env.WEIR_API_URL ?? null,
    env: { ...(options.env ?? {}) },
    spawn: options.spawn ?? spawnFlowRunProcess,
    echo: options.echo ?? null,
    forwardStdout: options.forwardStdout ?? false,
    // Spares serve `process` runs; a pooled or inline worker starts them only when asked.
    warmSpares: Math.floor(positive(options.warmSpares, execution === "process" ? Math.min(2, limit) : 0, "warmSpares", 0)),
    execution,
    allowInline: options.allowInline ?? execution === "inline",
    poolSize,
    maxRunsPerProcess: Math.floor(positive(options.maxRunsPerProcess, 1000, "maxRunsPerProcess")),
    maxProcessMemoryMb: positive(options.maxProcessMemoryMb, 1024, "maxProcessMemoryMb"),
    spawnPooled: options.spawnPooled ?? spawnPooledProcess,
    inlineExecutor: options.inlineExecutor ?? null,
    createPoolIfMissing: options.createPoolIfMissing ?? false,
    codeCacheDir: options.codeCacheDir ?? weirHome(),
    clock: options.clock ?? systemClock,
    sleep: options.sleep ?? realSleep,
    signal: options.signal ?? null,
    onError: options.onError ?? (() => undefined),
  });
}
