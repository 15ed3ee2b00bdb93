/**
 * A child process run to completion with its output collected: the `weir` CLI (test/cli/run-cli.ts)
 * and the scripts some tests start (`node --import tsx fixture.ts`) go through the same code, so
 * each has the same timeout, encoding and error handling.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Root of the repository (the working directory of the processes). */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a finished process left behind. */
export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run `command args` in `cwd` (default REPO_ROOT) to completion (killed after `timeoutMs`); `onStdout` sees output as it arrives. */
export function runProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  onStdout?: (soFar: string) => void,
  cwd: string = REPO_ROOT,
): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      onStdout?.(stdout);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Run a TypeScript script (`node --import tsx script args…`) to completion. Scripts that import
 * the package by name ("weirflow", e.g. the examples) get this checkout's src/, as the CLI does
 * under WEIR_FROM_SOURCE (the "weir-source" condition of package.json "exports").
 */
export function runScript(script: string, args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<ProcessResult> {
  return runProcess(process.execPath, ["--conditions=weir-source", "--import", "tsx", script, ...args], env, timeoutMs);
}
