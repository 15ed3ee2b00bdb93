import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { FlowRunFilter } from "../../core/api-types.js";
import { LOG_LEVEL_RANK, type LogLevel } from "../../core/models.js";
import { isWeirError, WeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { exitCodeOfFinishedRun, followFlowRun, readNewLogs } from "../flow-runs/follow-flow-run.js";
import { hasAttemptsToShow } from "../flow-runs/format-failure.js";
import { formatFlowRunDetails, formatFlowRunTable, formatLogLine } from "../flow-runs/format-flow-run.js";
import { parseStateFilter } from "../flow-runs/parse-state-filter.js";
import { resolveFlowRun } from "../flow-runs/resolve-flow-run.js";
import { readAllPages } from "../output/read-all-pages.js";
import { printJson, printLine } from "../output/print-output.js";
import { formatState } from "../output/state-colour.js";
import { collectValues } from "../parse-parameters.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { UsageError } from "../usage-error.js";
import { registerFlowRunExecuteCommand } from "./flow-run-execute.js";
import { registerFlowRunResumeCommand } from "./flow-run-resume.js";

/** At most this many task runs get their attempts shown by `inspect`. */
const MAX_TASK_RUN_ATTEMPTS_SHOWN = 20;

interface ListOptions {
  state?: string[];
  flow?: string[];
  deployment?: string;
  limit: string;
  json?: boolean;
}

/** Register `weir flow-run ls|inspect|logs|cancel|retry|resume|delete|execute`. */
export function registerFlowRunCommand(program: Command): void {
  const flowRun = program.command("flow-run").description("list, inspect, follow, cancel, retry, resume and delete flow runs");

  flowRun
    .command("ls")
    .description("list flow runs, newest first")
    .option("-s, --state <state>", "only runs in this state type or name (repeatable, comma-separated)", collectValues)
    .option("-f, --flow <name>", "only runs of this flow (repeatable)", collectValues)
    .option("-d, --deployment <name>", "only runs of this deployment (flow/deployment, deployment name or id)")
    .option("-n, --limit <n>", "how many runs at most", "20")
    .option("--json", "print JSON")
    .action(async (options: ListOptions) => {
      const limit = parsePositiveInteger(options.limit, "--limit");
      const client = await cliClient();
      const filter: FlowRunFilter = {
        ...parseStateFilter(options.state),
        ...(options.flow ? { flowNames: options.flow } : {}),
        ...(options.deployment ? { deploymentIds: [await resolveDeploymentId(client, options.deployment)] } : {}),
      };
      const runs = await readAllPages((cursor) => client.listFlowRuns(filter, { cursor, limit: Math.min(limit, 1000) }), limit);
      if (options.json) printJson(runs);
      else printLine(formatFlowRunTable(runs));
    });

  flowRun
    .command("inspect")
    .description("show a flow run with its parameters, timing, error and stack, task runs (with the attempts of failed or retried ones) and state history")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const run = await resolveFlowRun(client, id);
      const [taskRuns, states, subflowRuns, artifacts] = await Promise.all([
        readAllPages((cursor) => client.listTaskRuns({ flowRunId: run.id }, { cursor, limit: 1000 })),
        client.readFlowRunStates(run.id),
        readAllPages((cursor) => client.listFlowRuns({ parentFlowRunId: run.id, sort: "EXPECTED_START_TIME_ASC" }, { cursor, limit: 1000 })),
        readAllPages((cursor) => client.listArtifacts({ flowRunId: run.id }, { cursor, limit: 1000 })),
      ]);
      // The attempts of the task runs that failed or were retried (a bounded number of reads).
      const shown = taskRuns.filter(hasAttemptsToShow).slice(0, MAX_TASK_RUN_ATTEMPTS_SHOWN);
      const taskRunStates = new Map(await Promise.all(shown.map(async (taskRun) => [taskRun.id, await client.readTaskRunStates(taskRun.id)] as const)));
      if (options.json) {
        const withHistory = taskRuns.map((taskRun) => (taskRunStates.has(taskRun.id) ? { ...taskRun, stateHistory: taskRunStates.get(taskRun.id) } : taskRun));
        printJson({ ...run, taskRuns: withHistory, stateHistory: states, subflowRuns, artifacts });
      } else printLine(formatFlowRunDetails({ run, taskRuns, states, subflowRuns, artifacts, taskRunStates }));
    });

  flowRun
    .command("logs")
    .description("print a flow run's logs (--follow: until the run ends)")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("-f, --follow", "keep printing new lines until the run is finished")
    .option("-l, --level <level>", "only lines at this level or above (DEBUG, INFO, WARNING, ERROR, CRITICAL)")
    .option("--json", "print JSON (one object per line with --follow)")
    .action(async (id: string, options: { follow?: boolean; level?: string; json?: boolean }) => {
      const minLevel = options.level === undefined ? undefined : parseLogLevel(options.level);
      const client = await cliClient();
      const run = await resolveFlowRun(client, id);
      if (!options.follow) {
        const logs: unknown[] = [];
        await readNewLogs(client, run.id, undefined, {
          ...(minLevel ? { minLevel } : {}),
          onLogs: (batch) => (options.json ? logs.push(...batch) : batch.forEach((log) => printLine(formatLogLine(log)))),
        });
        if (options.json) printJson(logs);
        return;
      }
      const controller = new AbortController();
      const stop = (): void => controller.abort();
      process.once("SIGINT", stop);
      try {
        const last = await followFlowRun(client, run.id, {
          ...(minLevel ? { minLevel } : {}),
          signal: controller.signal,
          onLogs: (batch) => batch.forEach((log) => printLine(options.json ? JSON.stringify(log) : formatLogLine(log))),
          onState: (state, current) => {
            if (!options.json) process.stderr.write(`Flow run '${current.name}' is ${formatState(state, false)}\n`);
          },
        });
        if (!controller.signal.aborted) process.exitCode = exitCodeOfFinishedRun(last);
      } finally {
        process.off("SIGINT", stop);
      }
    });

  flowRun
    .command("cancel")
    .description("cancel a flow run (a running one moves to Cancelling until its process stops)")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const run = await client.cancelFlowRun((await resolveFlowRun(client, id)).id);
      if (options.json) printJson(run);
      else printLine(`Flow run '${run.name}' (${run.id}) is ${formatState(run.state)}`);
    });

  flowRun
    .command("retry")
    .description("retry a finished flow run (a new attempt, same id); tasks that completed with the same inputs and code are reused")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("--fresh", "run every task again (reuse nothing)")
    .option("--from <task>", "run this task (by name) and every task started after it again; reuse the ones before")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean; fresh?: boolean; from?: string }) => {
      if (options.fresh === true && options.from !== undefined) throw new UsageError("--fresh and --from cannot be combined");
      const client = await cliClient();
      const retry = options.fresh === true ? { mode: "fresh" as const } : options.from !== undefined ? { fromTask: options.from } : {};
      const run = await client.retryFlowRun((await resolveFlowRun(client, id)).id, retry);
      if (options.json) printJson(run);
      else printLine(`Flow run '${run.name}' (${run.id}) is ${formatState(run.state)}`);
    });

  flowRun
    .command("delete")
    .description("delete a flow run with its subflow runs, task runs, logs and artifacts (a running one is not stopped: cancel it first)")
    .argument("<id>", "flow run id, name (e.g. rapid-beaver-16) or unique id prefix")
    .option("--json", "print the deleted run as JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const run = await resolveFlowRun(client, id);
      await client.deleteFlowRun(run.id);
      if (options.json) printJson(run);
      else printLine(`Deleted flow run '${run.name}' (${run.id}) of flow '${run.flowName}' in state ${formatState(run.state)}`);
    });

  registerFlowRunResumeCommand(flowRun);
  registerFlowRunExecuteCommand(flowRun);
}

function parseLogLevel(value: string): LogLevel {
  const upper = value.toUpperCase() === "WARN" ? "WARNING" : value.toUpperCase();
  if (Object.hasOwn(LOG_LEVEL_RANK, upper)) return upper as LogLevel;
  throw new UsageError(`invalid --level '${value}': expected one of ${Object.keys(LOG_LEVEL_RANK).join(", ")}`);
}

/** A deployment given as `flow/name`, an id, or a name that only one deployment has. */
async function resolveDeploymentId(client: OrchestrationApi, value: string): Promise<string> {
  if (value.includes("/")) return (await client.readDeploymentByName(value)).id;
  try {
    return (await client.readDeployment(value)).id;
  } catch (error) {
    if (!isWeirError(error) || error.code === "UNAUTHORIZED" || error.code === "UNAVAILABLE") throw error;
  }
  const all = await readAllPages((cursor) => client.listDeployments({}, { cursor, limit: 1000 }));
  const matches = all.filter((deployment) => deployment.name === value);
  if (matches.length === 1 && matches[0]) return matches[0].id;
  if (matches.length > 1) {
    throw new WeirError("BAD_REQUEST", `deployment name '${value}' is ambiguous: use flow/deployment (${matches.map((d) => `${d.flowName}/${d.name}`).join(", ")})`);
  }
  throw WeirError.notFound("deployment", value);
}
