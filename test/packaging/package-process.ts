/**
 * Child processes of the packaging test: `npm …` and `npx weir …` in a folder of their own, with
 * an environment that carries nothing of this checkout (no WEIR_FROM_SOURCE, no loader options).
 */
import { runProcess } from "../helpers/run-process.js";

/** What a finished process left behind. */
export interface PackageProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of a user's shell: this one without Weir's and the test runner's settings. */
export function userEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith("WEIR_") || key.startsWith("VITEST") || key === "NODE_OPTIONS" || key === "FORCE_COLOR") continue;
    env[key] = value;
  }
  return { ...env, NO_COLOR: "1", npm_config_update_notifier: "false", ...extra };
}

/** Run `command args` in `cwd` to completion (killed after `timeoutMs`). */
export function runIn(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs = 120_000): Promise<PackageProcessResult> {
  return runProcess(command, args, env, timeoutMs, undefined, cwd);
}

/** Like `runIn`, but a non-zero exit is an error carrying the output. */
export async function mustRunIn(cwd: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<PackageProcessResult> {
  const result = await runIn(cwd, command, args, env, timeoutMs);
  if (result.code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${result.code}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  return result;
}
