/**
 * Run the real `weir` CLI (`node bin/weir.js …`) as a child process against one test database,
 * with WEIR_HOME in the test's scratch directory and no WEIR_API_URL (embedded mode).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** Root of the repository. */
export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** What a finished CLI process left behind. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Environment of a CLI child process for a test database. */
export function cliEnv(databaseUrl: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.WEIR_API_URL;
  delete env.WEIR_API_KEY;
  delete env.FORCE_COLOR;
  return { ...env, WEIR_FROM_SOURCE: "1", WEIR_HOME: home, WEIR_DATABASE_URL: databaseUrl, NO_COLOR: "1", ...extra };
}

/** Run `command args` to completion (killed after `timeoutMs`); `onStdout` sees output as it arrives. */
export function runProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 60_000,
  onStdout?: (soFar: string) => void,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
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

/** Run `weir args…` with the given environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number, onStdout?: (soFar: string) => void): Promise<CliResult> {
  return runProcess(process.execPath, [`${REPO_ROOT}bin/weir.js`, ...args], env, timeoutMs, onStdout);
}
