/** `weir deploy [--all | NAME...] [--file weir.yaml]`: apply the deployments of a weir.yaml (upsert by flow + name). */
import type { Command } from "commander";
import type { CodePull } from "../../core/models.js";
import { applyDeploymentFile } from "../../sdk/deployment-file.js";
import { setClient } from "../../sdk/client-provider.js";
import { cliClient } from "../cli-client.js";
import { printJson, printLine } from "../output/print-output.js";
import { UsageError } from "../usage-error.js";
import { describeSchedule } from "./deployment-lookup.js";

// Where workers get the code, as the deploy line ends.
function describePull(pull: CodePull | null | undefined): string {
  if (!pull) return "";
  return pull.kind === "git" ? `, code from git ${pull.url} at ${pull.ref}` : `, code bundle ${pull.hash.slice(0, 12)} uploaded`;
}

/** Register `weir deploy`. */
export function registerDeployCommand(program: Command): void {
  program
    .command("deploy")
    .description("apply deployments from weir.yaml (all with --all, or those named)")
    .argument("[names...]", "deployment names (name or flow/name)")
    .option("-a, --all", "apply every deployment of the file")
    .option("-f, --file <path>", "deployment file", "weir.yaml")
    .option("--json", "print JSON")
    .action(async (names: string[], options: { all?: boolean; file: string; json?: boolean }) => {
      if (!options.all && names.length === 0) throw new UsageError("name the deployments to apply, or pass --all");
      if (options.all && names.length > 0) throw new UsageError("give deployment names or --all, not both");
      const client = await cliClient();
      // Loading entrypoints imports user modules: they must see the same client as the CLI.
      setClient(client);
      const applied = await applyDeploymentFile({ file: options.file, names: options.all ? [] : names, client });
      if (options.json) return printJson(applied);
      for (const deployment of applied) {
        const schedules = deployment.schedules.map(describeSchedule).join("; ");
        printLine(`Deployed ${deployment.flowName}/${deployment.name} → ${deployment.workPoolName}/${deployment.workQueueName}${schedules ? `, ${schedules}` : ""}${describePull(deployment.pull)}`);
      }
    });
}
