import type { Command } from "commander";
import type { FlowRun } from "../../core/models.js";
import { isWeirError, type FieldIssue } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { resolveFlowRun } from "../flow-runs/resolve-flow-run.js";
import { printJson, printLine } from "../output/print-output.js";
import { formatState } from "../output/state-colour.js";
import { collectValues, parametersForSchema } from "../parse-parameters.js";
import { UsageError } from "../usage-error.js";

/** The JSON Schema a paused run's pause stored (pauseFlowRun/suspendFlowRun `input`), or null. */
function pauseInputSchemaOf(run: FlowRun): Record<string, unknown> | null {
  const schema = run.stateType === "PAUSED" ? run.state.details?.inputSchema : undefined;
  return typeof schema === "object" && schema !== null && !Array.isArray(schema) ? (schema as Record<string, unknown>) : null;
}

/**
 * Register `weir flow-run resume ID [--input k=v ...] [--inputs JSON]`: each `--input` is read by
 * the type its field has in the pause's input schema (as `--param` is for a deployment's
 * parameters), and the server checks the whole input against that schema; a value it refuses
 * exits 2 naming the field.
 */
export function registerFlowRunResumeCommand(flowRun: Command): void {
  flowRun
    .command("resume")
    .description("resume a paused or suspended flow run with the input its pause asks for (a suspended run starts again on a worker)")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("-i, --input <key=value>", "an input field (repeatable), read by the pause's input types: text stays text, numbers, true/false and JSON arrays/objects are parsed", collectValues)
    .option("--inputs <json>", "the whole input as one JSON object (--input entries go over it)")
    .option("--json", "print JSON")
    .action(async (id: string, options: { input?: string[]; inputs?: string; json?: boolean }) => {
      const client = await cliClient();
      const run = await resolveFlowRun(client, id);
      const owner = `the pause of flow run '${run.name}'`;
      const input = parametersForSchema({ param: options.input, params: options.inputs }, pauseInputSchemaOf(run), owner, { flag: "--input", noun: "input field" });
      let resumed: FlowRun;
      try {
        resumed = await client.resumeFlowRun(run.id, options.input === undefined && options.inputs === undefined ? undefined : input);
      } catch (error) {
        if (isWeirError(error) && error.code === "VALIDATION") throw new UsageError(refusedInputMessage(run, error.details?.issues as FieldIssue[] | undefined, error.message));
        throw error;
      }
      if (options.json) printJson(resumed);
      else printLine(`Flow run '${resumed.name}' (${resumed.id}) resumed: it is ${formatState(resumed.state)}`);
    });
}

// `--input approved=maybe` refused by the server: one line per field, as the user typed it.
function refusedInputMessage(run: FlowRun, issues: FieldIssue[] | undefined, fallback: string): string {
  if (issues === undefined || issues.length === 0) return fallback;
  const lines = issues.map((issue) => {
    const field = issue.path.replace(/^input\.?/, "");
    return field === "" ? `  the input ${issue.message}` : `  --input ${field}: '${field}' ${issue.message}`;
  });
  return `flow run '${run.name}' was not resumed: its pause refused the input\n${lines.join("\n")}`;
}
