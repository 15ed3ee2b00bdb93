/**
 * The spawned-process plumbing the benchmarks share: a real `weir` command (compiled dist/ unless
 * WEIR_FROM_SOURCE=1 is set), a `weir server start --port 0` whose URL is read from its output,
 * and stopping a child (SIGTERM, SIGKILL after a grace period).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

const BIN = fileURLToPath(new URL("../bin/weir.js", import.meta.url));

/** Start `weir args…` with `env`; stdout is piped (stderr too unless `stderr` says otherwise). */
export function startWeir(args: readonly string[], env: NodeJS.ProcessEnv, stderr: "pipe" | "inherit" = "pipe"): ChildProcess {
  return spawn(process.execPath, [BIN, ...args], { env, stdio: ["ignore", "pipe", stderr] });
}

/** `weir server start --port 0` on `databaseUrl` with its home in `home`, and the URL it prints once ready. */
export function startWeirServer(
  home: string,
  databaseUrl: string,
  env: NodeJS.ProcessEnv = process.env,
  stderr: "pipe" | "inherit" = "pipe",
  extraArgs: readonly string[] = [],
): { child: ChildProcess; url: Promise<string> } {
  const child = startWeir(["server", "start", "--port", "0", ...extraArgs], { ...env, WEIR_HOME: home, WEIR_DATABASE_URL: databaseUrl }, stderr);
  return { child, url: readServerUrl(child) };
}

/** How much of a server's output is kept for the error when it exits before it is ready. */
const KEPT_OUTPUT_CHARS = 16_384;

/**
 * The URL a spawned `weir server start` prints once it listens ("… ready at http://…"). Both of
 * its output pipes are read for as long as it runs: a pipe nobody reads fills (64 KiB), and a
 * server writing its log to a full pipe blocks, answering nothing more (a schemathesis run's
 * server stopped answering so, 10 s time-outs on every operation).
 */
export function readServerUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let out = "";
    let isReady = false;
    const keep = (chunk: Buffer): void => {
      out = `${out}${chunk.toString()}`.slice(-KEPT_OUTPUT_CHARS);
    };
    child.stdout?.on("data", (chunk: Buffer) => {
      if (isReady) return;
      keep(chunk);
      const match = /ready at (http:\/\/\S+)/.exec(out);
      if (match?.[1]) {
        isReady = true;
        resolve(match[1]);
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      if (!isReady) keep(chunk);
    });
    child.once("exit", (code) => reject(new Error(`server exited with ${code}: ${out}`)));
  });
}

/** SIGTERM `child` (SIGKILL after `graceMs`) and wait until it exited. */
export async function stopProcess(child: ChildProcess, graceMs = 15_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
