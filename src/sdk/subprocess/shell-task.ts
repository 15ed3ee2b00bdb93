/**
 * `shellTask()`: a task that runs a command. Its stdout and stderr lines become the task run's
 * logs, a non-zero exit code fails the attempt (retried like any task error, with stderr's last
 * lines in the error), a timeout or cancellation kills its process group, and the result protocol
 * (run-subprocess.ts) gives its return value.
 */
import { WeirError } from "../../core/weir-error.js";
import { task } from "../task.js";
import type { Task } from "../task.js";
import type { TaskOptions } from "../task-options.js";
import { compileStepOptions, runStepProcess } from "./step-options.js";
import type { SubprocessStepOptions } from "./step-options.js";

/** A command: a shell command line (run by `/bin/sh -c`), or a program and its arguments (no shell). */
export type ShellCommand = string | readonly string[];

/** Options of `shellTask()`. */
export interface ShellTaskOptions<I = undefined, R = unknown> extends SubprocessStepOptions<R> {
  /** The command, or a function of the call's input that returns it. */
  command: ShellCommand | ((input: I) => ShellCommand);
}

/**
 * Make a task that runs a command; its call's input (if any) is written to stdin as JSON.
 * @example const count = shellTask({ name: "count-lines", command: (file: string) => ["wc", "-l", file], retries: 2 });
 */
export function shellTask<I = undefined, R = unknown>(options: ShellTaskOptions<I, R>): Task<[input?: I], R> {
  const step = compileStepOptions(options, "shellTask");
  const { command, cwd: _cwd, env: _env, killGraceSeconds: _grace, ...taskOptions } = options;
  const what = `shell step '${options.name}'`;
  if (typeof command !== "function") checkCommand(command, what);
  const body = async (input?: I): Promise<R> => {
    const resolved = typeof command === "function" ? command(input as I) : command;
    checkCommand(resolved, what);
    const spawnable = typeof resolved === "string"
      ? { file: resolved, args: [], isShell: true }
      : { file: resolved[0]!, args: resolved.slice(1), isShell: false };
    return (await runStepProcess(what, step, spawnable, input)) as R;
  };
  return task(taskOptions as TaskOptions<Awaited<R>>, body);
}

function checkCommand(command: unknown, what: string): asserts command is ShellCommand {
  const isLine = typeof command === "string" && command.trim() !== "";
  const isArgv = Array.isArray(command) && command.length > 0 && command.every((part) => typeof part === "string") && (command[0] as string) !== "";
  if (!isLine && !isArgv) throw WeirError.validation(`command of ${what}`, [{ path: "command", message: "must be a non-empty command line or a list [program, ...args] of strings" }]);
}
