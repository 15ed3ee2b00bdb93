/**
 * Run an already created flow run in this process through the SDK (`executeFlowRun`), on the
 * CLI's client, and drain every buffered task-run and log write before returning. SIGINT and
 * SIGTERM abort the run's signal (a worker cancels its child with SIGTERM), so code that honours
 * it stops at once and the run ends Cancelled (see sdk/flow-run-stop.ts); a second one exits.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRun } from "../../core/models.js";
import type { State } from "../../core/states.js";
import { RunProcessStoppedError } from "../../sdk/flow-run-stop.js";
import type { loadFlow } from "../../sdk/load-flow.js";

/** The flow object SDK's `loadFlow` returns. */
export type LoadedFlow = Awaited<ReturnType<typeof loadFlow>>;

// Imported on first use and kept: a dynamic import() of a module already loaded still goes
// through the TypeScript loader's hooks (a round trip to its thread), which a pooled process
// running many runs would otherwise pay on each.
function importSdkModules() {
  return Promise.all([import("../../sdk/load-flow.js"), import("../../sdk/execute-flow-run.js"), import("../../sdk/client-provider.js")]);
}
let sdkModules: ReturnType<typeof importSdkModules> | undefined;
function loadSdkModules(): ReturnType<typeof importSdkModules> {
  sdkModules ??= importSdkModules();
  return sdkModules;
}

/** Load a flow from `path/file.ts:exportName` (TypeScript needs no set-up; the SDK registers tsx). */
export async function loadFlowFromEntrypoint(entrypoint: string, cwd?: string): Promise<LoadedFlow> {
  const [sdk] = await loadSdkModules();
  return sdk.loadFlow(entrypoint, cwd);
}

/** Execute flow run `run` (an id, or the run as last read) of `flow` here and resolve to its final state. */
export async function executeInProcess(client: OrchestrationApi, flow: LoadedFlow, run: string | FlowRun): Promise<State> {
  const [, { executeFlowRun }, provider] = await loadSdkModules();
  provider.setClient(client);
  const controller = new AbortController();
  let signalCount = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    signalCount += 1;
    if (signalCount > 1) process.exit(signal === "SIGINT" ? 130 : 143);
    controller.abort(new RunProcessStoppedError(signal));
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    return await executeFlowRun(flow, run, { client, signal: controller.signal });
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await provider.releaseClient(client);
    await provider.flushAll();
  }
}
