import type { Command } from "commander";
import type { FlowRun } from "../../core/models.js";
import { isTerminalStateType, type State } from "../../core/states.js";
import { cliClient } from "../cli-client.js";
import { executeInProcess, loadFlowFromEntrypoint } from "../flow-runs/execute-in-process.js";
import { collectValues, paramOption, parametersForSchema, parametersOf, paramsOption, type ParameterOptions } from "../parse-parameters.js";
import { formatState } from "../output/state-colour.js";
import { printJson, printLine, routeStdoutToStderr } from "../output/print-output.js";
import { UsageError } from "../usage-error.js";

interface RunOptions extends ParameterOptions {
  name?: string;
  tag?: string[];
  json?: boolean;
}

/**
 * Register `weir run path/file.ts:exportName [--param k=v] [--params JSON]`: runs the flow in
 * this process, recorded like any other run; prints its final state and id; exit code 1 unless
 * it ends Completed.
 */
export function registerRunCommand(program: Command): void {
  program
    .command("run")
    .description("run a flow in this process, e.g. weir run flows/greeting.ts:greeting --param name=Navin")
    .argument("<entrypoint>", "path/to/file.ts:exportName")
    .addOption(paramOption())
    .addOption(paramsOption())
    .option("--name <name>", "a name for the flow run")
    .option("--tag <tag>", "a tag for the flow run (repeatable)", collectValues)
    .option("--json", "print the final flow run as JSON")
    .action(async (entrypoint: string, options: RunOptions) => {
      if (!entrypoint.includes(":")) {
        throw new UsageError(`invalid entrypoint '${entrypoint}': expected path/to/file.ts:exportName`);
      }
      parametersOf(options); // bad --param syntax is a usage error before the flow is loaded
      // With --json, stdout carries only the JSON; the flow's own prints go to stderr.
      const restoreStdout = options.json ? routeStdoutToStderr() : () => undefined;
      let run: FlowRun;
      let state: State;
      try {
        ({ run, state } = await runFlowHere(entrypoint, options));
      } finally {
        restoreStdout();
      }
      if (options.json) printJson(run);
      else {
        printLine(`Flow run '${run.name}' (${run.id}) finished in state ${formatState(state)}${failureSuffix(state)}`);
        const result = state.result;
        if (result?.kind === "inline" && result.value !== undefined && result.value !== null) printLine(`Result: ${JSON.stringify(result.value)}`);
      }
      if (state.type !== "COMPLETED") {
        process.exitCode = 1;
        if (!isTerminalStateType(state.type)) process.stderr.write(`Error: flow run ended in non-terminal state ${state.name}\n`);
      }
    });
}

async function runFlowHere(entrypoint: string, options: RunOptions): Promise<{ run: FlowRun; state: State }> {
  const flow = await loadFlowFromEntrypoint(entrypoint, process.cwd());
  // Bad parameters are a clear error before any run exists (no run left behind).
  const { validateParameters, parameterJsonSchema } = await import("../../sdk/validate-parameters.js");
  // Read --param by the flow's own schema, as `weir deployment run` reads it by the deployment's.
  const parameters = parametersForSchema(options, parameterJsonSchema(flow.options.params), `flow '${flow.name}'`);
  const validated = await validateParameters(flow.name, flow.options.params, parameters);
  const client = await cliClient({ waitsOutRestarts: true });
  const created = await client.createFlowRun({
    flowName: flow.name,
    parameters: validated,
    tags: [...flow.options.tags, ...(options.tag ?? [])],
    retryPolicy: flow.options.storedRetryPolicy,
    ...(options.name ? { name: options.name } : {}),
  });
  if (!options.json) printLine(`Flow run '${created.name}' (${created.id}) of flow '${flow.name}' started`);
  const state = await executeInProcess(client, flow, created.id);
  return { run: await client.readFlowRun(created.id), state };
}

function failureSuffix(state: State): string {
  if (state.type === "COMPLETED") return "";
  const reason = state.error?.message ?? state.message;
  return reason ? `: ${reason}` : "";
}
