import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import { makeState, type State } from "../../core/states.js";
import { WeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { executeInProcess, loadFlowFromEntrypoint, type LoadedFlow } from "../flow-runs/execute-in-process.js";
import { printLine } from "../output/print-output.js";

/**
 * Register the internal `weir flow-run execute ID` that worker child processes run: load the
 * run's deployment entrypoint, execute the (already claimed) run here, flush every buffer, and
 * exit 0 only when it ends Completed.
 */
export function registerFlowRunExecuteCommand(flowRun: Command): void {
  flowRun
    .command("execute", { hidden: true })
    .description("execute a claimed deployment flow run in this process (used by workers)")
    .argument("<id>", "flow run id")
    .action(async (id: string) => {
      const client = await cliClient();
      const run = await client.readFlowRun(id);
      if (!run.deploymentId) throw new WeirError("BAD_REQUEST", `flow run ${id} has no deployment; nothing to load`);
      const deployment = await client.readDeployment(run.deploymentId);
      let flow: LoadedFlow;
      try {
        flow = await loadFlowFromEntrypoint(deployment.entrypoint, deployment.path ?? process.cwd());
      } catch (error) {
        await markCrashed(client, id, error);
        throw error;
      }
      const state = await executeInProcess(client, flow, id);
      printLine(`Flow run '${run.name}' (${id}) finished in state ${state.name}`);
      if (state.type !== "COMPLETED") process.exitCode = 1;
    });
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
