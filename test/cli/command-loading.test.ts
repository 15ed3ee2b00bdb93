/**
 * `weir` loads only the module of the command it runs (src/cli/main.ts): the lazy table must name
 * exactly the commands their modules register, in help order, and help, typos and `--version`
 * (which name no command) still see every command.
 */
import { describe, expect, it } from "vitest";
import { buildProgram, COMMAND_NAMES } from "../../src/cli/main.js";
import { cliEnv, runCli } from "./run-cli.js";

describe("command loading", () => {
  it("names in its table exactly the commands their modules register, in order", async () => {
    const all = await buildProgram();
    expect(all.commands.map((command) => command.name())).toEqual([...COMMAND_NAMES]);
  });

  it("registers only the command asked for", async () => {
    const program = await buildProgram(["worker"]);
    expect(program.commands.map((command) => command.name())).toEqual(["worker"]);
  });

  it("still suggests the command a typo meant, and lists every command in help", async () => {
    const env = cliEnv("sqlite://:memory:", "/tmp/weir-command-loading-home");
    const typo = await runCli(["wrker", "start"], env);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/Did you mean worker\?/);
    const help = await runCli(["--help"], env);
    expect(help.code).toBe(0);
    for (const name of COMMAND_NAMES) expect(help.stdout).toContain(name);
  });
});
