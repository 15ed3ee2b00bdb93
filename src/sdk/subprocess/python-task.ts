/**
 * `pythonTask()`: a task that runs a Python script or module, in a virtual environment or with
 * the `python3` on PATH. Logs, exit code, timeouts and the return value work as for `shellTask()`;
 * Python gives a value back with `print("::weir-result::" + json.dumps(value))` or by writing JSON
 * to the file named by the `WEIR_RESULT_FILE` environment variable, and reads the call's input
 * with `json.load(sys.stdin)`.
 */
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { WeirError } from "../../core/weir-error.js";
import { NonRetryableError } from "../non-retryable-error.js";
import { task } from "../task.js";
import type { Task } from "../task.js";
import type { TaskOptions } from "../task-options.js";
import { compileStepOptions, runStepProcess } from "./step-options.js";
import type { SubprocessStepOptions } from "./step-options.js";

/** Options of `pythonTask()`: exactly one of `script` and `module`. */
export interface PythonTaskOptions<I = undefined, R = unknown> extends SubprocessStepOptions<R> {
  /** Path of a `.py` file (relative paths resolve against `cwd`, else the current directory). */
  script?: string;
  /** A module run with `python -m`. */
  module?: string;
  /** A virtual environment (made with `python3 -m venv`); its `bin/python` runs the step. @default none: `python` */
  venv?: string;
  /** The interpreter when there is no `venv`. @default "python3" */
  python?: string;
  /** Arguments after the script or module, or a function of the call's input that returns them. @default [] */
  args?: readonly string[] | ((input: I) => readonly string[]);
}

/**
 * Make a task that runs Python; the call's input (if any) is written to stdin as JSON.
 * @example const profile = pythonTask({ name: "profile", script: "profile.py", venv: ".venv", args: ["--rows", "1000"] });
 */
export function pythonTask<I = undefined, R = unknown>(options: PythonTaskOptions<I, R>): Task<[input?: I], R> {
  const step = compileStepOptions(options, "pythonTask");
  const { script, module, venv, python, args, cwd: _cwd, env: _env, killGraceSeconds: _grace, ...taskOptions } = options;
  const what = `python step '${options.name}'`;
  const issues = [];
  if ((script === undefined) === (module === undefined)) issues.push({ path: "script", message: "give exactly one of script and module" });
  if (script !== undefined && (typeof script !== "string" || script === "")) issues.push({ path: "script", message: "must be a path" });
  if (module !== undefined && (typeof module !== "string" || !/^[A-Za-z_][\w.]*$/.test(module))) issues.push({ path: "module", message: "must be a module name like package.module" });
  if (venv !== undefined && (typeof venv !== "string" || venv === "")) issues.push({ path: "venv", message: "must be a path" });
  if (args !== undefined && typeof args !== "function" && (!Array.isArray(args) || args.some((arg) => typeof arg !== "string"))) issues.push({ path: "args", message: "must be a list of strings" });
  if (issues.length > 0) throw WeirError.validation(`options of pythonTask '${options.name}'`, issues);
  const body = async (input?: I): Promise<R> => {
    const base = step.cwd ?? process.cwd();
    const interpreter = venv === undefined ? (python ?? "python3") : venvPython(resolve(base, venv), what);
    const extra = typeof args === "function" ? args(input as I) : (args ?? []);
    if (!Array.isArray(extra) || extra.some((arg) => typeof arg !== "string")) throw new NonRetryableError(`args of ${what} must be a list of strings`);
    const target = script === undefined ? ["-m", module!] : [resolve(base, script)];
    const spawnable = { file: interpreter, args: [...target, ...extra], isShell: false };
    // Unbuffered: each line reaches the logs when Python prints it.
    return (await runStepProcess(what, step, spawnable, input, { PYTHONUNBUFFERED: "1" })) as R;
  };
  return task(taskOptions as TaskOptions<Awaited<R>>, body);
}

function venvPython(venv: string, what: string): string {
  const path = process.platform === "win32" ? join(venv, "Scripts", "python.exe") : join(venv, "bin", "python");
  if (!existsSync(path)) throw new NonRetryableError(`${what}: the virtual environment ${venv} has no ${path} (make it with: python3 -m venv ${venv})`);
  return path;
}
