import type { Command } from "commander";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { readAllPages } from "../output/read-all-pages.js";
import { WeirError } from "../../core/weir-error.js";
import { collectValues } from "../parse-parameters.js";
import type { Variable } from "../../core/models.js";

/** Register `weir variable set NAME VALUE|get NAME|ls|unset NAME`. */
export function registerVariableCommand(program: Command): void {
  const variable = program.command("variable").description("named JSON values shared across runs");

  variable
    .command("set")
    .description("set a variable (VALUE is parsed as JSON when it parses, else kept as a string)")
    .argument("<name>", "variable name")
    .argument("<value>", "its value, e.g. 42, true, '{\"a\":1}' or plain text; '-' reads it from stdin")
    .option("--tag <tag>", "a tag (repeatable)", collectValues)
    .option("--secret", "keep it secret: encrypted at rest (WEIR_SECRET_KEY), shown as ****, read in clear only inside runs")
    .option("--json", "print JSON")
    .action(async (name: string, raw: string, options: { tag?: string[]; secret?: boolean; json?: boolean }) => {
      const client = await cliClient();
      const text = raw === "-" ? (await readStdin()).replace(/\r?\n$/, "") : raw;
      const saved = await client.setVariable(name, parseJsonOrString(text), options.tag, options.secret ? { isSecret: true } : {});
      if (options.json) printJson(saved);
      else printLine(`Set ${saved.isSecret ? "secret " : ""}variable '${saved.name}' = ${shownValue(saved)}`);
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
            { header: "value", value: shownValue, maxWidth: 60 },
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

// A secret's value reads as `****` (the API never gives it), marked so it is not taken for the value.
function shownValue(variable: Variable): string {
  return variable.isSecret ? "**** (secret)" : JSON.stringify(variable.value);
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks).toString("utf8");
}

function parseJsonOrString(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
