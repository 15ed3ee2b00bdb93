/**
 * `weir deployment backfill NAME --from T1 --to T2 [--dry-run] [--param k=v]` and
 * `weir deployment backfills NAME`: one run per slot of the deployment's active schedules in
 * `[T1, T2)`, keyed like scheduled runs (running it again creates nothing new), and the list of a
 * deployment's backfills with their progress. Times are ISO-8601: a date (`2026-11-01`, midnight
 * UTC) or a date and time with `Z` or an offset.
 */
import type { Command } from "commander";
import { parseBackfillTime } from "../../core/backfill-time.js";
import type { Backfill, BackfillResult } from "../../core/backfills.js";
import type { Deployment } from "../../core/models.js";
import { cliClient } from "../cli-client.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { paramOption, parametersForSchema, parametersOf, paramsOption, type ParameterOptions } from "../parse-parameters.js";
import { UsageError } from "../usage-error.js";
import { resolveDeployment } from "./deployment-lookup.js";

/** The instant an ISO-8601 `--from`/`--to` value names; a usage error naming the flag otherwise. */
function parseTimeFlag(value: string | undefined, flag: string): Date {
  if (value === undefined) throw new UsageError(`${flag} is required (an ISO-8601 time such as 2026-11-01T00:00:00Z)`);
  const parsed = parseBackfillTime(value);
  if ("problem" in parsed) throw new UsageError(`${flag} '${value}' ${parsed.problem}`);
  return parsed.time;
}

function slotsTable(result: BackfillResult, deployment: Deployment): string {
  const scheduleNumber = new Map(deployment.schedules.map((schedule, index) => [schedule.id, String(index + 1)]));
  return formatTable(
    [
      { header: "slot", value: (slot: BackfillResult["slots"][number]) => slot.scheduledTime },
      { header: "schedule", value: (slot) => scheduleNumber.get(slot.scheduleId) ?? slot.scheduleId },
      { header: "run", value: (slot) => (slot.isNew ? (result.isDryRun ? "would be created" : `created ${slot.flowRunId ?? ""}`) : `exists ${slot.flowRunId ?? ""}`) },
    ],
    result.slots,
    "(no slots in the range)",
  );
}

function summary(result: BackfillResult, deployment: Deployment, from: Date, to: Date): string {
  const name = `${deployment.flowName}/${deployment.name}`;
  const range = `[${from.toISOString()}, ${to.toISOString()})`;
  const slots = `${result.slots.length} slot${result.slots.length === 1 ? "" : "s"}`;
  if (result.isDryRun) return `Dry run: ${slots} of ${name} in ${range}; ${result.createdCount} run(s) would be created, ${result.existingCount} already exist. Nothing was created.`;
  return `Backfill ${result.backfill?.id ?? ""} of ${name}: ${slots} in ${range}; ${result.createdCount} run(s) created, ${result.existingCount} already existed (tag ${result.backfill?.tag ?? "-"}).`;
}

function progressText(backfill: Backfill): string {
  const counts = backfill.progress.byStateType;
  return `${counts.SCHEDULED} scheduled, ${counts.PENDING + counts.RUNNING + counts.CANCELLING + counts.PAUSED} running, ${counts.COMPLETED} completed, ${counts.FAILED + counts.CRASHED} failed, ${counts.CANCELLED} cancelled`;
}

/** Register `weir deployment backfill` and `weir deployment backfills` under `deployment`. */
export function registerDeploymentBackfillCommand(deployment: Command): void {
  deployment
    .command("backfill")
    .description("create one run per schedule slot in [--from, --to) (slots that have a run are left alone; again creates nothing new)")
    .argument("<name>", "flow/deployment (or id)")
    .option("--from <time>", "start of the range, inclusive (ISO-8601, e.g. 2026-11-01T00:00:00Z)")
    .option("--to <time>", "end of the range, exclusive (ISO-8601)")
    .option("--dry-run", "list the slots and what would be created; create nothing")
    .addOption(paramOption())
    .addOption(paramsOption())
    .option("--json", "print JSON")
    .action(async (name: string, options: ParameterOptions & { from?: string; to?: string; dryRun?: boolean; json?: boolean }) => {
      const from = parseTimeFlag(options.from, "--from");
      const to = parseTimeFlag(options.to, "--to");
      if (to.getTime() <= from.getTime()) throw new UsageError(`--to (${to.toISOString()}) must be after --from (${from.toISOString()}): the range is [--from, --to)`);
      parametersOf(options); // bad --param syntax is a usage error before anything is read
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      const parameters = parametersForSchema(options, found.parameterSchema, `deployment '${found.flowName}/${found.name}'`);
      const result = await client.backfillDeployment(found.id, {
        from: from.toISOString(),
        to: to.toISOString(),
        ...(Object.keys(parameters).length > 0 ? { parameters } : {}),
        ...(options.dryRun ? { dryRun: true } : {}),
      });
      if (options.json) return printJson(result);
      printLine(slotsTable(result, found));
      printLine(summary(result, found, from, to));
    });

  deployment
    .command("backfills")
    .description("list a deployment's backfills with their progress (how many runs are scheduled, running, completed, failed)")
    .argument("<name>", "flow/deployment (or id)")
    .option("--json", "print JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const found = await resolveDeployment(client, name);
      const backfills = await client.listBackfills(found.id);
      if (options.json) return printJson(backfills);
      printLine(
        formatTable(
          [
            { header: "id", value: (backfill: Backfill) => backfill.id },
            { header: "range", value: (backfill) => `[${backfill.from}, ${backfill.to})` },
            { header: "runs", value: (backfill) => `${backfill.progress.runCount}/${backfill.slotCount}` },
            { header: "progress", value: progressText },
          ],
          backfills,
          "(no backfills)",
        ),
      );
    });
}
