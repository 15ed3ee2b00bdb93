import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatFields, formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";

/** Register `weir concurrency-limit create TAG LIMIT|ls|inspect TAG|delete TAG` (tag-based task concurrency). */
export function registerConcurrencyLimitCommand(program: Command): void {
  const limits = program.command("concurrency-limit").description("limit how many task runs with a tag run at once");

  limits
    .command("create")
    .description("create (or change) the limit of a tag")
    .argument("<tag>", "task run tag")
    .argument("<limit>", "how many task runs with this tag may run at once (0 blocks them)")
    .option("--json", "print JSON")
    .action(async (tag: string, rawLimit: string, options: { json?: boolean }) => {
      const limit = parsePositiveInteger(rawLimit, "LIMIT", { allowZero: true });
      const client = await cliClient();
      const created = await client.createConcurrencyLimit({ tag, limit });
      if (options.json) printJson(created);
      else printLine(`Concurrency limit on tag '${created.tag}': ${created.limit}`);
    });

  limits
    .command("ls")
    .description("list concurrency limits")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const client = await cliClient();
      const all = await client.listConcurrencyLimits();
      if (options.json) return printJson(all);
      printLine(
        formatTable(
          [
            { header: "tag", value: (l) => l.tag },
            { header: "limit", value: (l) => String(l.limit), align: "right" },
            { header: "active", value: (l) => String(l.activeSlots), align: "right" },
            { header: "created", value: (l) => formatRelativeTime(l.createdAt) },
          ],
          all,
          "No concurrency limits.",
        ),
      );
    });

  limits
    .command("inspect")
    .description("show one tag's limit and its active slots")
    .argument("<tag>", "task run tag")
    .option("--json", "print JSON")
    .action(async (tag: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const limit = await client.readConcurrencyLimit(tag);
      if (options.json) printJson(limit);
      else {
        printLine(formatFields([["tag", limit.tag], ["limit", String(limit.limit)], ["active slots", String(limit.activeSlots)], ["created", limit.createdAt]]));
      }
    });

  limits
    .command("delete")
    .description("delete a tag's limit")
    .argument("<tag>", "task run tag")
    .action(async (tag: string) => {
      const client = await cliClient();
      await client.readConcurrencyLimit(tag);
      await client.deleteConcurrencyLimit(tag);
      printLine(`Deleted concurrency limit on tag '${tag}'`);
    });
}
