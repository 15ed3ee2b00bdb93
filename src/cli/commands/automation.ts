/**
 * `weir automation create -f FILE [--replace] | ls | inspect NAME | enable NAME | disable NAME |
 * delete NAME | history NAME`: automations (a trigger and its actions, see
 * src/core/automations/automation-spec.ts) defined in a YAML or JSON file, and their firings.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Automation } from "../../core/automations/automation-models.js";
import { parseAutomationText, type AutomationSpec } from "../../core/automations/automation-spec.js";
import { formatDurationSeconds } from "../../core/schedules/schedule-policies.js";
import { WeirError, isWeirError } from "../../core/weir-error.js";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { UsageError } from "../usage-error.js";

function readAutomationFile(file: string): AutomationSpec {
  let text: string;
  try {
    text = file === "-" ? readFileSync(0, "utf8") : readFileSync(resolve(file), "utf8");
  } catch (cause) {
    throw new WeirError("NOT_FOUND", `automation file ${file} cannot be read`, { cause });
  }
  return parseAutomationText(text, file);
}

/** The trigger in one line: `reactive flow-run.Failed|flow-run.Crashed (flow=greeting)`. */
export function describeTrigger(automation: Pick<Automation, "trigger">): string {
  const { trigger } = automation;
  const match = Object.entries(trigger.match)
    .map(([key, values]) => `${key}=${(values as string[]).join("|")}`)
    .join(", ");
  const window = trigger.within > 0 ? ` within ${formatDurationSeconds(trigger.within)}` : "";
  const count = trigger.threshold > 1 ? `${trigger.threshold} × ` : "";
  const what = trigger.posture === "proactive" ? `no ${trigger.expect.join("|")}` : `${count}${trigger.expect.join("|")}`;
  return `${what}${match ? ` (${match})` : ""}${window}`;
}

/** Register `weir automation …`. */
export function registerAutomationCommand(program: Command): void {
  const automation = program.command("automation").description("automations: a trigger (events, or their absence) and the actions it runs");

  automation
    .command("create")
    .description("create an automation from a YAML or JSON file")
    .requiredOption("-f, --file <file>", "the automation file ('-' reads stdin)")
    .option("--replace", "replace the automation of the same name if there is one")
    .option("--json", "print JSON")
    .action(async (options: { file: string; replace?: boolean; json?: boolean }) => {
      const spec = readAutomationFile(options.file);
      const client = await cliClient();
      let saved: Automation;
      try {
        saved = await client.createAutomation(spec);
      } catch (error) {
        if (!(options.replace && isWeirError(error) && error.code === "CONFLICT")) throw error;
        saved = await client.updateAutomation(spec.name, spec);
      }
      if (options.json) printJson(saved);
      else printLine(`Created automation '${saved.name}' (${saved.id}): ${describeTrigger(saved)} → ${saved.actions.map((action) => action.type).join(", ")}${saved.isEnabled ? "" : " [disabled]"}`);
    });

  automation
    .command("ls")
    .description("list automations")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const automations = await (await cliClient()).listAutomations();
      if (options.json) return printJson(automations);
      printLine(
        formatTable(
          [
            { header: "name", value: (a: Automation) => a.name },
            { header: "enabled", value: (a) => (a.isEnabled ? "yes" : "no") },
            { header: "trigger", value: describeTrigger, maxWidth: 70 },
            { header: "actions", value: (a) => a.actions.map((action) => action.type).join(", ") },
            { header: "updated", value: (a) => formatRelativeTime(a.updatedAt) },
          ],
          automations,
          "No automations.",
        ),
      );
    });

  automation
    .command("inspect")
    .description("show an automation (JSON) and its last firings")
    .argument("<name>", "automation name or id")
    .action(async (name: string) => {
      const client = await cliClient();
      const found = await client.readAutomation(name);
      printJson({ ...found, firings: await client.listAutomationFirings(found.id, 10) });
    });

  automation
    .command("history")
    .description("list an automation's firings, newest first")
    .argument("<name>", "automation name or id")
    .option("--limit <n>", "how many", "20")
    .option("--json", "print JSON")
    .action(async (name: string, options: { limit: string; json?: boolean }) => {
      const limit = Number(options.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 500) throw new UsageError(`--limit '${options.limit}' must be an integer from 1 to 500`);
      const firings = await (await cliClient()).listAutomationFirings(name, limit);
      if (options.json) return printJson(firings);
      printLine(
        formatTable(
          [
            { header: "fired", value: (f: (typeof firings)[number]) => f.firedAt },
            { header: "reason", value: (f) => f.reason, maxWidth: 60 },
            { header: "run", value: (f) => f.flowRunId ?? "" },
            { header: "actions", value: (f) => f.actions.map((a) => `${a.type}: ${a.status}`).join(", ") },
          ],
          firings,
          "No firings.",
        ),
      );
    });

  for (const [verb, isEnabled] of [["enable", true], ["disable", false]] as const) {
    automation
      .command(verb)
      .description(`${verb} an automation${isEnabled ? " (its trigger starts afresh)" : ""}`)
      .argument("<name>", "automation name or id")
      .action(async (name: string) => {
        const saved = await (await cliClient()).setAutomationEnabled(name, isEnabled);
        printLine(`${isEnabled ? "Enabled" : "Disabled"} automation '${saved.name}'`);
      });
  }

  automation
    .command("delete")
    .description("delete an automation and its history")
    .argument("<name>", "automation name or id")
    .action(async (name: string) => {
      const client = await cliClient();
      const found = await client.readAutomation(name);
      await client.deleteAutomation(found.id);
      printLine(`Deleted automation '${found.name}'`);
    });
}
