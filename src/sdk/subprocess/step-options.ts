/**
 * What shell and Python steps share: their own options (working directory, environment, kill
 * grace), checked and split from the task options passed on to `task()`.
 */
import { WeirError } from "../../core/weir-error.js";
import { getRunContext } from "../run-context.js";
import { getRunLogger } from "../run-logger.js";
import type { TaskOptions } from "../task-options.js";
import { runSubprocess } from "./run-subprocess.js";

/** Options every subprocess step has, on top of the task options (retries, timeoutSeconds, cache, …). */
export interface SubprocessStepOptions<R = unknown> extends TaskOptions<R> {
  /** The task's name (required: a step has no function name to fall back on). */
  name: string;
  /** Working directory of the process. @default the current directory */
  cwd?: string;
  /** Variables added to the process's environment (it inherits this process's). @default {} */
  env?: Record<string, string>;
  /** After a timeout or cancellation, how long the process group has between SIGTERM and SIGKILL. @default 5 */
  killGraceSeconds?: number;
}

/** The step options, checked; `rest` is what goes on to `task()`. */
export interface CompiledStepOptions {
  cwd: string | undefined;
  env: Readonly<Record<string, string>>;
  killGraceMs: number;
}

/** Check the options shared by every step; throws VALIDATION naming the bad field. */
export function compileStepOptions(options: SubprocessStepOptions<never>, kind: string): CompiledStepOptions {
  const what = `options of ${kind} '${typeof options.name === "string" ? options.name : "(anonymous)"}'`;
  if (typeof options.name !== "string" || options.name.trim() === "") throw WeirError.validation(what, [{ path: "name", message: "a step needs a name" }]);
  if (options.cwd !== undefined && typeof options.cwd !== "string") throw WeirError.validation(what, [{ path: "cwd", message: "must be a path" }]);
  const env = options.env ?? {};
  if (typeof env !== "object" || env === null || Object.values(env).some((value) => typeof value !== "string")) {
    throw WeirError.validation(what, [{ path: "env", message: "must map names to strings" }]);
  }
  const grace = options.killGraceSeconds ?? 5;
  if (!Number.isFinite(grace) || grace < 0) throw WeirError.validation(what, [{ path: "killGraceSeconds", message: "must be a number >= 0" }]);
  return Object.freeze({ cwd: options.cwd, env: Object.freeze({ ...env }), killGraceMs: grace * 1000 });
}

/** Run a step's process inside the current task run: lines to its logs, its signal to the process group. */
export function runStepProcess(what: string, step: CompiledStepOptions, command: { file: string; args: readonly string[]; isShell: boolean }, input: unknown, extraEnv: Record<string, string> = {}): Promise<unknown> {
  const { signal } = getRunContext();
  const logger = getRunLogger();
  return runSubprocess({
    what,
    ...command,
    cwd: step.cwd,
    env: { ...step.env, ...extraEnv },
    input,
    signal,
    killGraceMs: step.killGraceMs,
    log: { info: (line) => logger.info(line), warning: (line) => logger.warning(line) },
  });
}
