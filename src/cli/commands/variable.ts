import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { readAllPages } from "../output/read-all-pages.js";
import { WeirError } from "../../core/weir-error.js";
import { collectValues } from "../parse-parameters.js";

/** Register `weir variable set NAME VALUE|get NAME|ls|unset NAME`. */
export function registerVariableCommand(program: Command): void {
  const variable = program.command("variable").description("named JSON values shared across runs");

  variable
    .command("set")
    .description("set a variable (VALUE is parsed as JSON when it parses, else kept as a string)")
    .argument("<name>", "variable name")
    .argument("<value>", "its value, e.g. 42, true, '{\"a\":1}' or plain text")
    .option("--tag <tag>", "a tag (repeatable)", collectValues)
    .option("--json", "print JSON")
    .action(async (name: string, raw: string, options: { tag?: string[]; json?: boolean }) => {
      const client = await cliClient();
      const saved = await client.setVariable(name, parseJsonOrString(raw), options.tag);
      if (options.json) printJson(saved);
      else printLine(`Set variable '${saved.name}' = ${JSON.stringify(saved.value)}`);
    });

  variable
    .command("get")
    .description("print a variable's value (as JSON unless it is a string)")
    .argument("<name>", "variable name")
    .option("--json", "print the whole record as JSON")
    .action(async (name: string, options: { json?: boolean }) => {
      const client = await cliClient();
      const found = await client.getVariable(name);
      if (found === null) throw WeirError.notFound("variable", name);
      if (options.json) printJson(found);
      else printLine(typeof found.value === "string" ? found.value : JSON.stringify(found.value));
    });

  variable
    .command("ls")
    .description("list variables")
    .option("--json", "print JSON")
    .action(async (options: { json?: boolean }) => {
      const client = await cliClient();
      const variables = await readAllPages((cursor) => client.listVariables({ cursor, limit: 1000 }));
      if (options.json) return printJson(variables);
      printLine(
        formatTable(
          [
            { header: "name", value: (v) => v.name },
            { header: "value", value: (v) => JSON.stringify(v.value), maxWidth: 60 },
            { header: "tags", value: (v) => v.tags.join(", ") },
            { header: "updated", value: (v) => formatRelativeTime(v.updatedAt) },
          ],
          variables,
          "No variables.",
        ),
      );
    });

  variable
    .command("unset")
    .description("delete a variable")
    .argument("<name>", "variable name")
    .action(async (name: string) => {
      const client = await cliClient();
      if ((await client.getVariable(name)) === null) throw WeirError.notFound("variable", name);
      await client.deleteVariable(name);
      printLine(`Unset variable '${name}'`);
    });
}

function parseJsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
