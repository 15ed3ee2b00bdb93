/**
 * The process of one deployment flow run, as a worker starts it (`bin/weir.js flow-run execute`
 * comes here straight, without the rest of the CLI). Two ways in:
 * - `flow-run execute ID`: load the run's deployment entrypoint and execute run ID now;
 * - `flow-run execute --wait`: a warm spare. It loads what every run needs first (the HTTP client,
 *   the SDK, the TypeScript loader), then waits for one request line on stdin,
 *   `{"flowRunId": …, "cwd": …, "env": {…}}`, takes that working directory and environment, and
 *   executes the run. The worker starts its next spare as soon as one is taken, so a run gets a
 *   process of its own without waiting for Node to start and modules to load (DESIGN §8, fresh
 *   child process p50 ≤ 300 ms).
 * - `flow-run execute --pool`: a pooled process (pooled-run-child.ts) that executes many runs one
 *   after another, asked over its IPC channel.
 * Either way the process exits 0 only when the run ends Completed (or is Suspended); a flow that cannot be loaded
 * makes the run Crashed at once instead of waiting for crash detection.
 */
import { createInterface } from "node:readline";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRun } from "../../core/models.js";
import { makeState, type State } from "../../core/states.js";
import { WeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { printLine } from "../output/print-output.js";
import { executeInProcess, loadFlowFromEntrypoint, type LoadedFlow } from "./execute-in-process.js";

/** What a warm spare is asked to run. */
export interface FlowRunRequest {
  flowRunId: string;
  /** Working directory of the run (the deployment's path). */
  cwd: string;
  /** The run's whole environment: keys missing here are removed from the spare's. */
  env: Record<string, string>;
  /** The deployment's entrypoint and the claimed run, when the worker knows them (saves three reads). */
  entrypoint?: string;
  flowRun?: FlowRun;
}

/** What is known of a run before it is read. */
type KnownRun = Pick<FlowRunRequest, "entrypoint" | "flowRun">;

/** How a process that executes many runs (a pooled one) executes each. */
export interface RunExecutionOptions {
  /** The client the run writes through. @default the CLI's client */
  client?: OrchestrationApi;
  /** Flows already loaded, by working directory and entrypoint: reused instead of loaded again. */
  loadedFlows?: Map<string, LoadedFlow>;
  /** Where the line saying how the run ended goes. @default stdout */
  report?: (line: string) => void;
}

/** Execute claimed run `id` of a deployment here; resolves to the process exit code. */
export async function executeDeploymentFlowRun(id: string, known: KnownRun = {}, options: RunExecutionOptions = {}): Promise<number> {
  const client = options.client ?? (await cliClient({ waitsOutRestarts: true }));
  const report = options.report ?? printLine;
  let { entrypoint, flowRun } = known;
  let cwd = process.cwd();
  if (entrypoint === undefined || flowRun === undefined) {
    flowRun = await client.readFlowRun(id);
    if (!flowRun.deploymentId) throw new WeirError("BAD_REQUEST", `flow run ${id} has no deployment; nothing to load`);
    const deployment = await client.readDeployment(flowRun.deploymentId);
    ({ entrypoint } = deployment);
    // Pulled code: the worker started this process in the directory it pulled the code into.
    if (!deployment.pull) cwd = deployment.path ?? cwd;
  }
  const flowKey = `${cwd}\0${entrypoint}`;
  let flow = options.loadedFlows?.get(flowKey);
  try {
    flow ??= await loadFlowFromEntrypoint(entrypoint, cwd);
  } catch (error) {
    await markCrashed(client, id, error);
    throw error;
  }
  options.loadedFlows?.set(flowKey, flow);
  // A state that changed since (a cancellation) makes the Running proposal fail as it should.
  const state = await executeInProcess(client, flow, flowRun);
  // A suspended run (suspendFlowRun) released this process on purpose: no failure.
  if (state.type === "PAUSED") {
    report(`Flow run '${flowRun.name}' (${id}) is ${state.name}; it runs again on a worker once resumed`);
    return 0;
  }
  report(`Flow run '${flowRun.name}' (${id}) finished in state ${state.name}`);
  return state.type === "COMPLETED" ? 0 : 1;
}

/** Load what every run needs (client, SDK, TypeScript loader) ahead of the run. */
export async function loadRunRuntime(): Promise<void> {
  const [, , , , { prepareTypeScriptLoader }] = await Promise.all([
    import("../../client/connect.js"),
    import("../../sdk/execute-flow-run.js"),
    import("../../sdk/client-provider.js"),
    // The package root a flow file imports as "weir": the same module when it resolves here.
    import("../../index.js"),
    import("../../sdk/load-flow.js"),
    // The run's scope is an AsyncLocalStorage, whose first use turns on Node's promise hooks (a few ms).
    import("../../sdk/run-scope.js").then(({ runScopeStorage }) => runScopeStorage.run(undefined as never, () => undefined)),
  ]);
  // The TypeScript loader last: once registered, every module loaded goes through its hooks on
  // another thread, which made loading the runtime itself cost ~0.1 s more CPU.
  await prepareTypeScriptLoader();
}

/** Take the working directory and the whole environment of a request. */
export function applyRunSurroundings(request: Pick<FlowRunRequest, "cwd" | "env">): void {
  process.chdir(request.cwd);
  for (const key of Object.keys(process.env)) if (!(key in request.env)) delete process.env[key];
  Object.assign(process.env, request.env);
}

/** Load the runtime of a run, then wait for a request on `input` and apply its cwd and env. */
export async function waitForFlowRunRequest(input: NodeJS.ReadableStream = process.stdin): Promise<FlowRunRequest> {
  await loadRunRuntime();
  const request = parseRequest(await firstLine(input));
  applyRunSurroundings(request);
  return request;
}

/** Entry of `bin/weir.js flow-run execute (ID | --wait)`; resolves to the exit code. */
export async function runFlowRunChild(args: readonly string[]): Promise<number> {
  const [first] = args;
  if (first === undefined || args.length !== 1) throw new WeirError("BAD_REQUEST", "usage: weir flow-run execute (ID | --wait | --pool)");
  if (first === "--pool") return (await import("./pooled-run-child.js")).runPooledRunChild();
  if (first !== "--wait") return executeDeploymentFlowRun(first);
  const { flowRunId, entrypoint, flowRun } = await waitForFlowRunRequest();
  return executeDeploymentFlowRun(flowRunId, { ...(entrypoint === undefined ? {} : { entrypoint }), ...(flowRun === undefined ? {} : { flowRun }) });
}

function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  const lines = createInterface({ input, crlfDelay: Infinity });
  return new Promise((resolve, reject) => {
    lines.once("line", (line) => {
      resolve(line);
      lines.close();
    });
    lines.once("close", () => reject(new WeirError("BAD_REQUEST", "stdin closed before a flow run request arrived")));
  });
}

function parseRequest(line: string): FlowRunRequest {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new WeirError("BAD_REQUEST", "the flow run request on stdin is not JSON");
  }
  const request = value as Partial<FlowRunRequest> | null;
  const isEnv = typeof request?.env === "object" && request.env !== null && Object.values(request.env).every((item) => typeof item === "string");
  const isRun = request?.flowRun === undefined || (typeof request.flowRun === "object" && request.flowRun !== null && request.flowRun.id === request.flowRunId);
  if (typeof request?.flowRunId !== "string" || typeof request.cwd !== "string" || !isEnv || !(request.entrypoint === undefined || typeof request.entrypoint === "string") || !isRun) {
    throw new WeirError("BAD_REQUEST", "the flow run request on stdin needs flowRunId, cwd and env (strings), and optionally entrypoint and flowRun (that run)");
  }
  return request as FlowRunRequest;
}

// A run whose code cannot even be loaded would otherwise wait for crash detection.
async function markCrashed(client: OrchestrationApi, id: string, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  const state: State = makeState("Crashed", {
    message: `could not load the flow: ${message}`,
    error: { name: error instanceof Error ? error.name : "Error", message, isRetryable: false },
  });
  await client.setFlowRunState(id, { state }).catch(() => undefined);
}
