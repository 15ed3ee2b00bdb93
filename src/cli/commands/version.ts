import type { Command } from "commander";
import { packageVersion } from "../package-version.js";

/** Register `weir version [--json]`: the package version, Node version and platform. */
export function registerVersionCommand(program: Command): void {
  program
    .command("version")
    .description("print the weir version")
    .option("--json", "print JSON")
    .action((options: { json?: boolean }) => {
      const info = { version: packageVersion(), node: process.version, platform: `${process.platform}-${process.arch}` };
      if (options.json) process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
      else process.stdout.write(`weir ${info.version} (node ${info.node}, ${info.platform})\n`);
    });
}

