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
import { registerConcurrencyLimitCommand } from "./commands/concurrency-limit.js";
import { registerConfigCommand } from "./commands/config.js";
import { registerFlowCommand } from "./commands/flow.js";
import { registerFlowRunCommand } from "./commands/flow-run.js";
import { registerRunCommand } from "./commands/run.js";
import { registerStorageCommand } from "./commands/storage.js";
import { registerVariableCommand } from "./commands/variable.js";
import { registerVersionCommand } from "./commands/version.js";
import { registerDeployCommand } from "./commands/deploy.js";
import { registerWorkerCommand } from "./commands/worker.js";
import { registerTaskWorkerCommand } from "./commands/task-worker.js";
import { registerAgentCommand } from "./commands/agent.js";
import { registerDeploymentCommand } from "./commands/deployment.js";
import { registerWorkPoolCommand } from "./commands/work-pool.js";
import { registerWorkQueueCommand } from "./commands/work-queue.js";
import { registerServerCommand } from "./commands/server.js";
import { registerEventsCommand } from "./commands/events.js";
import { registerNotificationCommand } from "./commands/notification.js";
import { registerAutomationCommand } from "./commands/automation.js";

export { EXIT_FAILURE } from "./process-exit.js";
/** Exit code for a usage error (unknown command or option, bad argument syntax). */
export const EXIT_USAGE = 2;

/** Build the `weir` program with every command registered (commands never call process.exit). */
export function buildProgram(): Command {
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

  // One registration line per command file (each owner adds theirs).
  registerRunCommand(program);
  registerFlowCommand(program);
  registerFlowRunCommand(program);
  registerConcurrencyLimitCommand(program);
  registerVariableCommand(program);
  registerStorageCommand(program);
  registerConfigCommand(program);
  registerVersionCommand(program);
  registerDeployCommand(program);
  registerWorkerCommand(program);
  registerTaskWorkerCommand(program);
  registerAgentCommand(program);
  registerDeploymentCommand(program);
  registerWorkPoolCommand(program);
  registerWorkQueueCommand(program);
  registerServerCommand(program);
  registerEventsCommand(program);
  registerNotificationCommand(program);
  registerAutomationCommand(program);
  return program;
}

/** Run the CLI on `argv` (as in process.argv) and resolve to the exit code; never throws. */
export async function main(argv: readonly string[] = process.argv): Promise<number> {
  const program = buildProgram();
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
