/**
 * `weir deployment ls|inspect|run|pause|resume|delete|schedule|backfill|backfills`: deployments by `flow/name` (or id, or a unique
 * deployment name). `run --watch` follows the new run's states and logs until it ends and exits
 * non-zero unless it completed.
 */
import type { Command } from "commander";
import type { Deployment } from "../../core/models.js";
import { WeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { exitCodeOfFinishedRun, followFlowRun } from "../flow-runs/follow-flow-run.js";
import { formatLogLine } from "../flow-runs/format-flow-run.js";
import { describeCodePull } from "../output/describe-code-pull.js";
import { formatFields, formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { readAllPages } from "../output/read-all-pages.js";
import { formatState } from "../output/state-colour.js";
import { collectValues, paramOption, parametersForSchema, parametersOf, paramsOption, type ParameterOptions } from "../parse-parameters.js";
import { registerDeploymentBackfillCommand } from "./deployment-backfill.js";
import { describeSchedule, nextRunTime, resolveDeployment } from "./deployment-lookup.js";
import { registerDeploymentScheduleCommand } from "./deployment-schedule.js";
import { describeCatchup, describeOverlap, describeSchedulePolicies } from "./schedule-policy-text.js";

function deploymentTable(deployments: readonly Deployment[]): string {
  const now = new Date();
  return formatTable(
    [
      { header: "name", value: (d: Deployment) => `${d.flowName}/${d.name}` },
      { header: "pool/queue", value: (d) => (d.isServed ? "(served)" : `${d.workPoolName}/${d.workQueueName}`) },
      { header: "schedules", value: (d) => d.schedules.map(describeSchedule).join("; ") || "-", maxWidth: 50 },
      { header: "next run", value: (d) => nextRunTime(d, now) ?? "-" },
      { header: "status", value: (d) => (d.isPaused ? "paused" : "active") },
    ],
    deployments,
    "(no deployments)",
  );
}

function deploymentDetails(deployment: Deployment): string {
  return formatFields([
    ["name", `${deployment.flowName}/${deployment.name}`],
    ["id", deployment.id],
    ["entrypoint", deployment.entrypoint],
    ["path", deployment.path ?? "-"],
    ["pull", describeCodePull(deployment.pull)],
    ["work pool", deployment.isServed ? "(served by a runner)" : deployment.workPoolName],
    ["work queue", deployment.isServed ? "-" : deployment.workQueueName],
    ["status", deployment.isPaused ? "paused" : "active"],
    ["parameters", JSON.stringify(deployment.parameters)],
    ["tags", deployment.tags.join(", ") || "-"],
    ["concurrency", deployment.concurrencyLimit === null ? "unlimited" : `${deployment.concurrencyLimit} (${deployment.collisionStrategy})`],
    ["catch-up", describeCatchup(deployment)],
    ["overlap", describeOverlap(deployment)],
    ["description", deployment.description ?? "-"],
    ...deployment.schedules.map((schedule, index) => [`schedule ${index + 1}`, `${describeSchedule(schedule)}${describeSchedulePolicies(schedule)}`] as const),
    ["next run", nextRunTime(deployment, new Date()) ?? "-"],
  ]);
}

/** Register `weir deployment …`. */
export function registerDeploymentCommand(program: Command): void {
  const deployment = program.command("deployment").description("list, inspect, run, pause, resume, delete and backfill deployments, and edit their schedules");

  deployment
    .command("ls")
    .description("list deployments")
    .option("-f, --flow <name>", "only deployments of this flow (repeatable)", collectValues)
    .option("--json", "print JSON")
    .action(async (options: { flow?: string[]; json?: boolean }) => {
      const client = await cliClient();
      const all = await readAllPages((cursor) => client.listDeployments(options.flow ? { flowNames: options.flow } : {}, { cursor, limit: 1000 }));
      if (options.json) printJson(all);
      else printLine(deploymentTable(all));
    });

  deployment
    .command("inspect")
    .description("show a deployment with its schedules and next run")
    .argument("<name>", "flow/deployment (or id)")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const found = await resolveDeployment(await cliClient(), name);
      if (options.json) printJson({ ...found, nextRunTime: nextRunTime(found, new Date()) });
      else printLine(deploymentDetails(found));
    });

  deployment
    .command("run")
    .description("create a run of a deployment now (or at --start-in seconds)")
    .argument("<name>", "flow/deployment (or id)")
    .addOption(paramOption())
    .addOption(paramsOption())
    .option("--start-in <seconds>", "schedule the run this many seconds from now")
    .option("-t, --tag <tag>", "extra tag of the run (repeatable)", collectValues)
    .option("-w, --watch", "follow states and logs until the run ends; exit non-zero unless it completed")
    .option("--json", "print JSON")
    .action(async (name: string, options: ParameterOptions & { startIn?: string; tag?: string[]; watch?: boolean; json?: boolean }) => {
      parametersOf(options); // bad --param syntax is a usage error before anything is read
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      const parameters = parametersForSchema(options, found.parameterSchema, `deployment '${found.flowName}/${found.name}'`);
      const startIn = options.startIn === undefined ? 0 : Number(options.startIn);
      if (!Number.isFinite(startIn) || startIn < 0) throw WeirError.validation("options", [{ path: "--start-in", message: "must be a number of seconds ≥ 0" }]);
      const run = await client.createDeploymentFlowRun(found.id, {
        parameters,
        ...(options.tag ? { tags: options.tag } : {}),
        ...(startIn > 0 ? { scheduledTime: new Date(Date.now() + startIn * 1000).toISOString() } : {}),
      });
      if (options.json && !options.watch) return printJson(run);
      if (!options.json) printLine(`Created flow run '${run.name}' (${run.id}) of ${found.flowName}/${found.name}, ${formatState(run.state)}`);
      if (!options.watch) return;
      const final = await followFlowRun(client, run.id, {
        onState: (state) => {
          if (!options.json) printLine(`${state.timestamp}  ${formatState(state)}${state.message ? `  ${state.message}` : ""}`);
        },
        onLogs: (logs) => {
          for (const log of logs) printLine(options.json ? JSON.stringify(log) : formatLogLine(log));
        },
      });
      if (options.json) printJson(final);
      else printLine(`Flow run '${final.name}' finished in state ${formatState(final.state)}`);
      process.exitCode = exitCodeOfFinishedRun(final);
    });

  for (const [verb, isPaused] of [["pause", true], ["resume", false]] as const) {
    deployment
      .command(verb)
      .description(isPaused ? "pause a deployment (its runs are not claimed, its schedules make no new runs)" : "resume a paused deployment")
      .argument("<name>", "flow/deployment (or id)")
      .option("--json", "print JSON")
      .action(async (name: string, options: { json?: boolean }) => {
        const client = await cliClient();
        const found = await resolveDeployment(client, name);
        const updated = await client.updateDeployment(found.id, { isPaused });
        if (options.json) printJson(updated);
        else printLine(`Deployment ${updated.flowName}/${updated.name} ${isPaused ? "paused" : "resumed"}`);
      });
  }

  deployment
    .command("delete")
    .description(
      "delete a deployment with its schedules and the runs they scheduled ahead; its runs still waiting to be claimed end Cancelled, and its other runs (running or finished) are kept",
    )
    .argument("<name>", "flow/deployment (or id)")
    .option("--json", "print the deleted deployment as JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      await client.deleteDeployment(found.id);
      if (options.json) printJson(found);
      else printLine(`Deleted deployment ${found.flowName}/${found.name} (${found.id})`);
    });

  registerDeploymentScheduleCommand(deployment);
  registerDeploymentBackfillCommand(deployment);
}
