/**
 * Run the real `weir` CLI (`node bin/weir.js …`) as a child process against one test database,
 * with WEIR_HOME in the test's scratch directory and no WEIR_API_URL (embedded mode).
 */
import { beforeAll } from "vitest";
import { REPO_ROOT, runProcess, type ProcessResult } from "../helpers/run-process.js";
import type { TestDatabase } from "../helpers/test-database.js";

export { REPO_ROOT, runProcess };

/** What a finished CLI process left behind. */
export type CliResult = ProcessResult;

/** Environment of a CLI child process for a test database. */
export function cliEnv(databaseUrl: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.WEIR_API_URL;
  delete env.WEIR_API_KEY;
  delete env.FORCE_COLOR;
  return { ...env, WEIR_FROM_SOURCE: "1", WEIR_HOME: home, WEIR_DATABASE_URL: databaseUrl, NO_COLOR: "1", ...extra };
}

/** The `cliEnv` of a test file's database (see `useTestDatabase`), filled in place before its tests. */
export function useCliEnv(database: TestDatabase): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  beforeAll(() => {
    Object.assign(env, cliEnv(database.url, database.dir));
  });
  return env;
}

/** Run `weir args…` with the given environment. */
export function runCli(args: readonly string[], env: NodeJS.ProcessEnv, timeoutMs?: number, onStdout?: (soFar: string) => void): Promise<CliResult> {
  return runProcess(process.execPath, [`${REPO_ROOT}bin/weir.js`, ...args], env, timeoutMs, onStdout);
}
