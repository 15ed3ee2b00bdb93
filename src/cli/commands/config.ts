import type { Command } from "commander";
import { CONFIG_KEYS, configFilePath, resolveSettings, setConfigValue, unsetConfigValue } from "../../client/settings.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";

/** Register `weir config view|set KEY VALUE|unset KEY` over `$WEIR_HOME/config.json` (the API key is never shown in full). */
export function registerConfigCommand(program: Command): void {
  const config = program.command("config").description(`view and change settings in $WEIR_HOME/config.json (keys: ${CONFIG_KEYS.join(", ")})`);

  config
    .command("view")
    .description("show the settings in effect and where each comes from (env, file, default)")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const settings = resolveSettings();
      const rows = [
        { key: "apiUrl", value: settings.apiUrl ?? "(none: embedded mode)", source: settings.sources.apiUrl },
        { key: "apiKey", value: maskSecret(settings.apiKey), source: settings.sources.apiKey },
        { key: "databaseUrl", value: maskUrlPassword(settings.databaseUrl), source: settings.sources.databaseUrl },
      ];
      if (options.json) {
        printJson({ home: settings.home, configFile: configFilePath(), settings: Object.fromEntries(rows.map((row) => [row.key, { value: row.value, source: row.source }])) });
        return;
      }
      printLine(`WEIR_HOME ${settings.home}\nconfig file ${configFilePath()}\n`);
      printLine(
        formatTable(
          [
            { header: "key", value: (row) => row.key },
            { header: "value", value: (row) => row.value },
            { header: "source", value: (row) => row.source },
          ],
          rows,
        ),
      );
    });

  config
    .command("set")
    .description("set a key in the config file")
    .argument("<key>", CONFIG_KEYS.join(" | "))
    .argument("<value>", "its value")
    .action((key: string, value: string) => {
      setConfigValue(key, value);
      printLine(`Set ${key} = ${key === "apiKey" ? maskSecret(value) : maskUrlPassword(value)} in ${configFilePath()}`);
    });

  config
    .command("unset")
    .description("remove a key from the config file")
    .argument("<key>", CONFIG_KEYS.join(" | "))
    .action((key: string) => {
      unsetConfigValue(key);
      printLine(`Unset ${key} in ${configFilePath()}`);
    });
}

/** A secret shown as its last 4 characters only (`****abcd`), or `(none)`. */
export function maskSecret(secret: string | null): string {
  if (!secret) return "(none)";
  return secret.length <= 8 ? "****" : `****${secret.slice(-4)}`;
}

/** A URL with any password replaced by `****` (postgres://user:****@host/db). */
export function maskUrlPassword(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]+:)[^@]*@/i, "$1****@");
}
