/**
 * `weir deployment schedule ls|create|pause|resume|delete`: the schedules of one deployment from
 * the command line (the dashboard's schedule editor, `weir.yaml` and `flow.deploy()` do the same).
 * A schedule is named by its number in `ls` / `deployment inspect` (1, 2, …) or by its id. The
 * server checks a cron expression, an RRULE and a time zone, and its error names what is wrong.
 */
import type { Command } from "commander";
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { ScheduleInput } from "../../core/api-types.js";
import type { CatchupPolicy, Deployment, DeploymentSchedule, OverlapPolicy, ScheduleSpec } from "../../core/models.js";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { paramOption, parametersForSchema, parametersOf, paramsOption, type ParameterOptions } from "../parse-parameters.js";
import { UsageError } from "../usage-error.js";
import { describeSchedule, nextScheduleRunTime, resolveDeployment } from "./deployment-lookup.js";

/** Options of `schedule create`. */
interface CreateScheduleOptions extends ParameterOptions {
  cron?: string;
  interval?: string;
  rrule?: string;
  timezone?: string;
  anchor?: string;
  dayAnd?: boolean;
  inactive?: boolean;
  catchup?: string;
  catchupWindow?: string;
  overlap?: string;
  json?: boolean;
}

/** The policy flags of `schedule create`, as the API takes them (the server validates them). */
function policiesOf(options: CreateScheduleOptions): Pick<ScheduleInput, "catchup" | "catchupWindow" | "overlap"> {
  const window = options.catchupWindow;
  return {
    ...(options.catchup === undefined ? {} : { catchup: options.catchup as CatchupPolicy }),
    ...(window === undefined ? {} : { catchupWindow: /^\d+$/.test(window) ? Number(window) : window }),
    ...(options.overlap === undefined ? {} : { overlap: options.overlap as OverlapPolicy }),
  };
}

/** The schedule `value` names among a deployment's: its number in the list (from 1) or its id. */
export function findSchedule(deployment: Deployment, value: string): DeploymentSchedule {
  const byId = deployment.schedules.find((schedule) => schedule.id === value);
  if (byId) return byId;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  const byNumber = deployment.schedules[number - 1];
  if (byNumber) return byNumber;
  const count = deployment.schedules.length;
  throw new UsageError(
    `deployment '${deployment.flowName}/${deployment.name}' has no schedule '${value}': ${count === 0 ? "it has none" : `give a number from 1 to ${count} or a schedule id (see 'weir deployment schedule ls')`}`,
  );
}

/** The schedule spec the options of `schedule create` describe: exactly one of --cron, --interval, --rrule. */
export function scheduleSpecOf(options: CreateScheduleOptions): ScheduleSpec {
  const kinds = [options.cron, options.interval, options.rrule].filter((value) => value !== undefined);
  if (kinds.length !== 1) throw new UsageError("give exactly one of --cron EXPR, --interval SECONDS or --rrule RULE");
  const timezone = options.timezone === undefined ? {} : { timezone: options.timezone };
  if (options.anchor !== undefined && options.interval === undefined) throw new UsageError("--anchor goes with --interval only");
  if (options.dayAnd && options.cron === undefined) throw new UsageError("--day-and goes with --cron only");
  if (options.cron !== undefined) return { cron: options.cron, ...timezone, ...(options.dayAnd ? { dayOr: false } : {}) };
  if (options.rrule !== undefined) return { rrule: options.rrule, ...timezone };
  const interval = Number(options.interval);
  if (!Number.isFinite(interval) || interval <= 0) throw new UsageError(`invalid --interval '${options.interval}': expected a number of seconds > 0`);
  return { interval, ...timezone, ...(options.anchor === undefined ? {} : { anchorDate: options.anchor }) };
}

function nextTimeOf(schedule: DeploymentSchedule, now: Date): string {
  return nextScheduleRunTime(schedule, now)?.toISOString() ?? "-";
}

function scheduleTable(deployment: Deployment): string {
  const now = new Date();
  const rows = deployment.schedules.map((schedule, index) => ({ schedule, number: index + 1 }));
  return formatTable(
    [
      { header: "#", value: (row: (typeof rows)[number]) => String(row.number) },
      { header: "id", value: (row) => row.schedule.id },
      { header: "schedule", value: (row) => describeSchedule(row.schedule), maxWidth: 60 },
      { header: "parameters", value: (row) => (Object.keys(row.schedule.parameters).length > 0 ? JSON.stringify(row.schedule.parameters) : "-"), maxWidth: 40 },
      { header: "next run", value: (row) => nextTimeOf(row.schedule, now) },
    ],
    rows,
    `(deployment ${deployment.flowName}/${deployment.name} has no schedules)`,
  );
}

async function deploymentNamed(name: string): Promise<{ client: OrchestrationApi; deployment: Deployment }> {
  const client = await cliClient();
  return { client, deployment: await resolveDeployment(client, name) };
}

/** Register `weir deployment schedule …` under the `deployment` command. */
export function registerDeploymentScheduleCommand(deployment: Command): void {
  const schedule = deployment.command("schedule").description("list, create, pause, resume and delete the schedules of a deployment");

  schedule
    .command("ls")
    .description("list a deployment's schedules with their next run")
    .argument("<deployment>", "flow/deployment (or id)")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const { deployment: found } = await deploymentNamed(name);
      if (options.json) printJson(found.schedules);
      else printLine(scheduleTable(found));
    });

  schedule
    .command("create")
    .description("add a cron, interval or RRULE schedule in a time zone")
    .argument("<deployment>", "flow/deployment (or id)")
    .option("--cron <expr>", "cron expression, 5 or 6 fields, e.g. '0 8 * * *'")
    .option("--interval <seconds>", "every this many seconds")
    .option("--rrule <rule>", "an RFC 5545 recurrence rule, e.g. 'FREQ=WEEKLY;BYDAY=MO'")
    .option("--timezone <zone>", "IANA time zone, e.g. Asia/Phnom_Penh (default UTC)")
    .option("--anchor <iso>", "with --interval: the time the intervals count from")
    .option("--day-and", "with --cron: a run needs both day-of-month and day-of-week to match (default: either)")
    .addOption(paramOption())
    .addOption(paramsOption())
    .option("--inactive", "create it switched off")
    .option("--catchup <policy>", "slots missed while the server was down: skip, latest or all (default: the deployment's)")
    .option("--catchup-window <duration>", "how far back --catchup all reaches: 90m, 6h, 2d or seconds")
    .option("--overlap <policy>", "a slot due while a run is active: allow, skip, buffer-one or cancel-other (default: the deployment's)")
    .option("--json", "print JSON")
    .action(async (name: string, options: CreateScheduleOptions) => {
      const spec = scheduleSpecOf(options);
      parametersOf(options); // bad --param syntax is a usage error before anything is read
      const { client, deployment: found } = await deploymentNamed(name);
      const parameters = parametersForSchema(options, found.parameterSchema, `deployment '${found.flowName}/${found.name}'`);
      const created = await client.createDeploymentSchedule(found.id, { schedule: spec, parameters, isActive: !options.inactive, ...policiesOf(options) });
      if (options.json) return printJson(created);
      printLine(`Created schedule ${describeSchedule(created)} (${created.id}) on ${found.flowName}/${found.name}; next run ${nextTimeOf(created, new Date())}`);
    });

  for (const [verb, isActive] of [["pause", false], ["resume", true]] as const) {
    schedule
      .command(verb)
      .description(isActive ? "switch a schedule back on" : "switch a schedule off (its future runs that have not started are removed)")
      .argument("<deployment>", "flow/deployment (or id)")
      .argument("<schedule>", "its number in 'schedule ls', or its id")
      .option("--json", "print JSON")
      .action(async (name: string, which: string, options: { json?: boolean }) => {
        const { client, deployment: found } = await deploymentNamed(name);
        const updated = await client.updateDeploymentSchedule(found.id, findSchedule(found, which).id, { isActive });
        if (options.json) printJson(updated);
        else printLine(`Schedule ${describeSchedule(updated)} of ${found.flowName}/${found.name} ${isActive ? "resumed" : "paused"}`);
      });
  }

  schedule
    .command("delete")
    .description("remove a schedule (its future runs that have not started are removed)")
    .argument("<deployment>", "flow/deployment (or id)")
    .argument("<schedule>", "its number in 'schedule ls', or its id")
    .action(async (name: string, which: string) => {
      const { client, deployment: found } = await deploymentNamed(name);
      const target = findSchedule(found, which);
      await client.deleteDeploymentSchedule(found.id, target.id);
      printLine(`Deleted schedule ${describeSchedule(target)} of ${found.flowName}/${found.name}`);
    });
}
