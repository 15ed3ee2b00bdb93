import type { Parameters, RetryPolicy } from "../core/models.js";
import type { State } from "../core/states.js";
import { checkKnownOptions } from "../core/option-checks.js";
import { WeirError } from "../core/weir-error.js";
import { compileTimeoutMs } from "./run-with-timeout.js";
import { FLOW_OPTION_ALIASES } from "./option-aliases.js";
import type { CompiledRetryPolicy, RetryOptions } from "./retry-policy.js";
import { compileRetryPolicy, storedRetryDelays } from "./retry-policy.js";
import { compileResultOptions, type ResultOptions } from "./results/compile-result-options.js";
import type { ResultSettings } from "./results/persist-result.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

/** What a flow hook receives. */
export interface FlowHookContext<R = unknown> {
  flowRunId: string;
  flowName: string;
  parameters: Parameters;
  state: State;
  /** The return value (onCompletion). */
  value?: R;
  /** What was thrown (onFailure, onCrashed, onCancellation). */
  error?: unknown;
}

/** A function called at a point of a flow run's life; its errors are logged, never change the run. */
export type FlowHook<R = unknown> = (context: FlowHookContext<R>) => void | Promise<void>;

/** Options of `flow()`. */
export interface FlowOptions<R = unknown> extends RetryOptions, ResultOptions {
  /** @default the function's name */
  name?: string;
  /** @default null */
  description?: string;
  /** @default null */
  version?: string;
  /** Schema of the parameters object (zod 4 or any Standard Schema); its JSON Schema is stored for run forms. @default undefined (any object) */
  params?: StandardSchemaV1;
  /** Fail the attempt (`TimedOut`) and abort its signal after this long (seconds, at most 100 years). @default undefined (no timeout) */
  timeoutSeconds?: number;
  /** Store console.* calls made inside the run as its logs (still printed). @default true */
  logPrints?: boolean;
  /** Name of each flow run (a function gets the parameters). @default a generated name */
  runName?: string | ((parameters: never) => string);
  /** At most this many of the flow's task runs execute at once. @default undefined (no limit) */
  taskConcurrency?: number;
  /** Store the return value under `$WEIR_HOME/storage` rather than inline in the final state. @default false */
  persistResult?: boolean;
  /** @default [] */
  tags?: string[];
  /** @default [] */
  onRunning?: FlowHook<R> | Array<FlowHook<R>>;
  /** @default [] */
  onCompletion?: FlowHook<R> | Array<FlowHook<R>>;
  /** @default [] */
  onFailure?: FlowHook<R> | Array<FlowHook<R>>;
  /** @default [] */
  onCancellation?: FlowHook<R> | Array<FlowHook<R>>;
  /** @default [] */
  onCrashed?: FlowHook<R> | Array<FlowHook<R>>;
}

// Every key of FlowOptions, checked against the interface by the compiler (a new option must be added here).
const FLOW_OPTION_KEYS = Object.keys({
  name: true,
  description: true,
  version: true,
  params: true,
  retries: true,
  retryDelaySeconds: true,
  retryJitterFactor: true,
  retryCondition: true,
  timeoutSeconds: true,
  logPrints: true,
  runName: true,
  taskConcurrency: true,
  persistResult: true,
  resultStorage: true,
  resultSerializer: true,
  tags: true,
  onRunning: true,
  onCompletion: true,
  onFailure: true,
  onCancellation: true,
  onCrashed: true,
} satisfies Record<keyof FlowOptions, true>);

/** Flow options validated, with defaults filled. */
export interface CompiledFlowOptions {
  readonly name: string;
  readonly description: string | null;
  readonly version: string | null;
  readonly params: StandardSchemaV1 | undefined;
  readonly retry: CompiledRetryPolicy;
  readonly storedRetryPolicy: RetryPolicy;
  readonly timeoutMs: number | null;
  readonly logPrints: boolean;
  /** Name of each flow run, or a function of its parameters; null: a generated name. */
  readonly runName: string | ((parameters: Parameters) => string) | null;
  readonly taskConcurrency: number | null;
  readonly persistResult: boolean;
  /** Where and how its results (and its tasks', unless they say otherwise) are stored. */
  readonly results: ResultSettings;
  readonly tags: readonly string[];
  readonly hooks: Readonly<Record<"onRunning" | "onCompletion" | "onFailure" | "onCancellation" | "onCrashed", readonly FlowHook[]>>;
}

/** Validate flow options (errors name the bad field) and fill defaults. */
export function compileFlowOptions(options: FlowOptions<never>, fallbackName: string): CompiledFlowOptions {
  const name = options.name ?? fallbackName;
  const what = `options of flow '${name || "(anonymous)"}'`;
  checkKnownOptions(options, { kind: "flow", known: FLOW_OPTION_KEYS, aliases: FLOW_OPTION_ALIASES, owner: `flow '${name || "(anonymous)"}'` });
  if (typeof name !== "string" || name.trim() === "") {
    throw WeirError.validation(what, [{ path: "name", message: "a flow needs a name (give one, or use a named function)" }]);
  }
  const timeoutMs = compileTimeoutMs(options.timeoutSeconds, what);
  const concurrency = options.taskConcurrency;
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw WeirError.validation(what, [{ path: "taskConcurrency", message: "must be a whole number ≥ 1" }]);
  }
  if (options.params !== undefined && typeof options.params?.["~standard"]?.validate !== "function") {
    throw WeirError.validation(what, [{ path: "params", message: "must be a zod schema or another Standard Schema validator" }]);
  }
  const retry = compileRetryPolicy(options, what);
  return Object.freeze({
    name,
    description: options.description ?? null,
    version: options.version ?? null,
    params: options.params,
    retry,
    storedRetryPolicy: { retries: retry.retries, retryDelaySeconds: storedRetryDelays(retry) },
    timeoutMs,
    logPrints: options.logPrints ?? true,
    runName: (options.runName as CompiledFlowOptions["runName"]) ?? null,
    taskConcurrency: concurrency ?? null,
    persistResult: options.persistResult ?? false,
    results: compileResultOptions(options, what),
    tags: Object.freeze([...(options.tags ?? [])]),
    hooks: Object.freeze({
      onRunning: toList(options.onRunning),
      onCompletion: toList(options.onCompletion),
      onFailure: toList(options.onFailure),
      onCancellation: toList(options.onCancellation),
      onCrashed: toList(options.onCrashed),
    }),
  });
}

function toList(value: FlowHook<never> | Array<FlowHook<never>> | undefined): readonly FlowHook[] {
  if (value === undefined) return Object.freeze([]);
  return Object.freeze((Array.isArray(value) ? value : [value]) as FlowHook[]);
}
