/**
 * `flow()`: wrap a function of one parameters object as a Weir flow. A flow is callable (runs
 * now, recorded like any other run; inside another flow it becomes a subflow), and can be
 * deployed (`deploy`), served (`serve`) or re-optioned (`with`). See run-flow.ts.
 */
import { WeirError } from "../core/weir-error.js";
import type { Deployment } from "../core/models.js";
import type { DeployOptions } from "./deploy.js";
import type { ServeOptions } from "./serve.js";
import type { FlowBody } from "./flow-run-supervisor.js";
import { compileFlowOptions } from "./flow-options.js";
import type { CompiledFlowOptions, FlowOptions } from "./flow-options.js";
import { runFlow } from "./run-flow.js";
import type { FlowRunRequest } from "./run-flow.js";
import type { RunOutcome } from "./run-outcome.js";
import type { StandardSchemaV1 } from "./standard-schema.js";

const FLOW_MARK = Symbol.for("weir.flow");
// Where flow() was called: deploy/serve infer the entrypoint file from it (src/sdk/entrypoint-inference.ts).
const FLOW_DEFINITION_STACK = Symbol.for("weir.flow.definitionStack");

/** Options of `flow.deploy()` (see src/sdk/deploy.ts). */
export type FlowDeployOptions = DeployOptions;
/** Options of `flow.serve()` (see src/sdk/serve.ts). */
export type FlowServeOptions = ServeOptions;

/** A Weir flow: call it with its parameters object, deploy it, serve it. */
export interface Flow<P, R> {
  (...args: Record<string, never> extends P ? [parameters?: P] : [parameters: P]): Promise<R>;
  /** The flow's name. */
  readonly name: string;
  /** Compiled options. */
  readonly options: CompiledFlowOptions;
  /** The same function with some options replaced. */
  with(options: FlowOptions<R>): Flow<P, R>;
  /** Register (or update) a deployment of this flow. */
  deploy(options: FlowDeployOptions): Promise<Deployment>;
  /** Register deployments of this flow and run them in this process until stopped. */
  serve(options: FlowServeOptions): Promise<void>;
  /** @internal Run to the final state without throwing (workers, runners, tests). */
  run(request: FlowRunRequest): Promise<RunOutcome<R>>;
}

/** A flow of any parameters and result. */
export type AnyFlow = Flow<never, unknown>;

/**
 * Make a flow of a function that takes one parameters object, typed from the `params` schema.
 * @example const greeting = flow({ name: "greeting", params: z.object({ name: z.string() }) }, async ({ name }) => `hi ${name}`);
 */
export function flow<S extends StandardSchemaV1, R>(
  options: FlowOptions<Awaited<R>> & { params: S },
  fn: (parameters: StandardSchemaV1.InferOutput<S>) => R,
): Flow<StandardSchemaV1.InferInput<S>, Awaited<R>>;
/** Make a flow of a function that takes one (unvalidated) parameters object. */
export function flow<P extends object = Record<string, never>, R = unknown>(
  nameOrOptions: string | FlowOptions<Awaited<R>>,
  fn: (parameters: P) => R,
): Flow<P, Awaited<R>>;
export function flow(nameOrOptions: string | FlowOptions<never>, fn: FlowBody): AnyFlow {
  if (typeof fn !== "function") throw WeirError.validation("flow()", [{ path: "fn", message: "the second argument must be a function" }]);
  const options = typeof nameOrOptions === "string" ? { name: nameOrOptions } : (nameOrOptions ?? {});
  return Object.defineProperty(makeFlow(options, fn), FLOW_DEFINITION_STACK, { value: new Error().stack ?? "" });
}

function makeFlow(raw: FlowOptions<never>, body: FlowBody): AnyFlow {
  const options = compileFlowOptions(raw, body.name);
  const run = (request: FlowRunRequest): Promise<RunOutcome> => runFlow(options, body, request);
  const call = async (parameters?: unknown): Promise<unknown> => {
    const outcome = await run({ parameters });
    if (outcome.isFailed) throw outcome.error;
    return outcome.value;
  };
  const made = Object.assign(call, {
    options,
    run,
    with: (patch: FlowOptions<never>) => makeFlow({ ...raw, ...patch }, body),
    deploy: async (deployOptions: FlowDeployOptions) => (await import("./deploy.js")).deployFlow(made as never, deployOptions),
    serve: async (serveOptions: FlowServeOptions) => (await import("./serve.js")).serveFlow(made as never, serveOptions),
  });
  Object.defineProperty(made, "name", { value: options.name });
  Object.defineProperty(made, FLOW_MARK, { value: true });
  return made;
}

/** Whether a value is a flow made by `flow()` (also across copies of the package). */
export function isFlow(value: unknown): value is AnyFlow {
  return typeof value === "function" && (value as unknown as Record<symbol, unknown>)[FLOW_MARK] === true;
}
