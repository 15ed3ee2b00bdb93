/**
 * The `weir` command line: builds the commander program, registers every command, and turns
 * failures into one clear line on stderr with a non-zero exit code (1 for failures, 2 for
 * usage errors). `bin/weir.js` imports this file; it runs `main()` when it is the entry.
 *
 * Contract for command files: export `registerXCommand(program)`; actions throw (WeirError,
 * UsageError) instead of printing errors, set `process.exitCode = 1` for a failure that is not
 * an exception (a flow run that failed), and a long-running command (server, worker) resolves
 * its action only when it has stopped: `main()` closes the client and exits right after.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Command, CommanderError } from "commander";
import { errorLine } from "./output/error-line.js";
import { UsageError } from "./usage-error.js";
import { packageVersion } from "./package-version.js";
import { closeCliClientWithin, EXIT_FAILURE, exitOnStrayFailure } from "./process-exit.js";
type Register = (program: Command) => void;

/**
 * Every top-level command, in help order, with the module that registers it. A run of one command
 * loads that command's module only (a command file may pull in the worker, the server, zod…:
 * loading them all cost every `weir` start ~0.3 s of CPU); help and typos load all.
 */
const COMMANDS: ReadonlyArray<readonly [name: string, load: () => Promise<Register>]> = [
  ["run", async () => (await import("./commands/run.js")).registerRunCommand],
  ["flow", async () => (await import("./commands/flow.js")).registerFlowCommand],
  ["flow-run", async () => (await import("./commands/flow-run.js")).registerFlowRunCommand],
  ["concurrency-limit", async () => (await import("./commands/concurrency-limit.js")).registerConcurrencyLimitCommand],
  ["variable", async () => (await import("./commands/variable.js")).registerVariableCommand],
  ["storage", async () => (await import("./commands/storage.js")).registerStorageCommand],
  ["config", async () => (await import("./commands/config.js")).registerConfigCommand],
  ["version", async () => (await import("./commands/version.js")).registerVersionCommand],
  ["deploy", async () => (await import("./commands/deploy.js")).registerDeployCommand],
  ["worker", async () => (await import("./commands/worker.js")).registerWorkerCommand],
  ["task-worker", async () => (await import("./commands/task-worker.js")).registerTaskWorkerCommand],
  ["agent", async () => (await import("./commands/agent.js")).registerAgentCommand],
  ["deployment", async () => (await import("./commands/deployment.js")).registerDeploymentCommand],
  ["work-pool", async () => (await import("./commands/work-pool.js")).registerWorkPoolCommand],
  ["work-queue", async () => (await import("./commands/work-queue.js")).registerWorkQueueCommand],
  ["server", async () => (await import("./commands/server.js")).registerServerCommand],
  ["events", async () => (await import("./commands/events.js")).registerEventsCommand],
  ["notification", async () => (await import("./commands/notification.js")).registerNotificationCommand],
  ["automation", async () => (await import("./commands/automation.js")).registerAutomationCommand],
];

/** The names of every top-level command, in help order. */
export const COMMAND_NAMES: readonly string[] = COMMANDS.map(([name]) => name);

export { EXIT_FAILURE } from "./process-exit.js";
/** Exit code for a usage error (unknown command or option, bad argument syntax). */
export const EXIT_USAGE = 2;

/**
 * Build the `weir` program (commands never call process.exit) with the commands named in `only`,
 * or every command when `only` is null.
 */
export async function buildProgram(only: readonly string[] | null = null): Promise<Command> {
  const program = new Command("weir");
  program
    .description("Weir: a workflow orchestrator for TypeScript")
    .version(packageVersion(), "-V, --version", "print the weir version")
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      // Commander's own messages are re-printed by main() as one `Error:` line.
      outputError: () => undefined,
    });
  const chosen = COMMANDS.filter(([name]) => only === null || only.includes(name));
  const registers = await Promise.all(chosen.map(([, load]) => load()));
  for (const register of registers) register(program);
  return program;
}

/** The commands `argv` needs: the one it names (its first argument), none for `--version`, else all (null: help, a typo). */
function neededCommands(argv: readonly string[]): string[] | null {
  const first = argv[2];
  if (first === "-V" || first === "--version") return [];
  return first !== undefined && COMMAND_NAMES.includes(first) ? [first] : null;
}

/** Run the CLI on `argv` (as in process.argv) and resolve to the exit code; never throws. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = await buildProgram(neededCommands(argv));
  process.exitCode = undefined;
  let code = 0;
  try {
    await program.parseAsync([...argv]);
    code = typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (error) {
    code = exitCodeOf(error);
    if (code !== 0 && !isHelpDisplay(error)) process.stderr.write(`${errorLine(error)}\n`);
  } finally {
    await closeCliClientWithin();
  }
  return code;
}

// Commander already printed the help text; a group called without a subcommand ends here.
function isHelpDisplay(error: unknown): boolean {
  return error instanceof CommanderError && (error.code === "commander.help" || error.code === "commander.helpDisplayed");
}

function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) {
    // Help and version displays arrive as CommanderErrors with exit code 0.
    if (error.exitCode === 0) return 0;
    return error.code === "commander.executeSubCommandAsync" ? EXIT_FAILURE : EXIT_USAGE;
  }
  if (error instanceof UsageError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

function isEntry(): boolean {
  const invoked = process.argv[1];
  if (!invoked) return false;
  try {
    const real = realpathSync(invoked);
    return real === fileURLToPath(new URL("../../bin/weir.js", import.meta.url)) || real === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (isEntry()) {
  exitOnStrayFailure();
  const code = await main(process.argv);
  // One-shot commands: leave no pool, timer or socket keeping the process alive.
  process.exit(code);
}
