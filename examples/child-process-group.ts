/**
 * The quickstart's child processes: each `weir` command runs as `node bin/weir.js …`, its output
 * prefixed with a label; stopping sends SIGTERM, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The repository root (where bin/weir.js and weir.yaml live). */
export const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url));

/** Path of the `weir` command. */
export const WEIR_BIN = fileURLToPath(new URL("../bin/weir.js", import.meta.url));

/** Long-lived children started by the quickstart, stopped together. */
export class ChildProcessGroup {
  readonly #children: { label: string; child: ChildProcess }[] = [];

  /** Start `weir <args>` and stream its output with a `[label]` prefix. */
  start(label: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
    const child = spawn(process.execPath, [WEIR_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on("line", (line) => console.log(`[${label}] ${line}`));
    }
    this.#children.push({ label, child });
    return child;
  }

  /** Stop every child, newest first: SIGTERM, then SIGKILL after `graceMs`. */
  async stopAll(graceMs = 10_000): Promise<void> {
    for (const { child } of this.#children.reverse()) await stopChild(child, graceMs);
    this.#children.length = 0;
  }
}

/** Run `weir <args>` to completion; resolves with its exit code and output. */
export async function runWeir(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [WEIR_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const code = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (exitCode) => resolve(exitCode ?? 1));
  });
  return { code, stdout, stderr };
}

async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
