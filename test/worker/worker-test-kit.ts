/**
 * Helpers of the worker tests: a long-running `weir` child process (worker, agent) whose output
 * is collected and which is always stopped at the end, and polling until a condition holds.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { FlowRun } from "../../src/core/models.js";
import { startWorker, type RunningWorker } from "../../src/worker/start-worker.js";
import { REPO_ROOT } from "../helpers/run-process.js";

export { REPO_ROOT };

/** A `weir` child process that keeps running. */
export interface WeirProcess {
  child: ChildProcess;
  output(): string;
  /** Resolves with the exit code once it exited. */
  exited: Promise<number | null>;
  /** Send a signal and wait for the exit (SIGKILL after `graceMs`). */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>;
}

/** Environment for a `weir` child talking to a server at `apiUrl`. */
export function serverEnv(apiUrl: string, home: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, WEIR_FROM_SOURCE: "1", WEIR_HOME: home, WEIR_API_URL: apiUrl, NO_COLOR: "1", ...extra };
  delete env.WEIR_API_KEY;
  delete env.WEIR_DATABASE_URL;
  delete env.FORCE_COLOR;
  return env;
}

/**
 * Start `weir args…` in the background, in `cwd`; `isGroupLeader` gives it a process group of its
 * own, as a shell job has.
 */
export function startWeir(args: readonly string[], env: NodeJS.ProcessEnv, isGroupLeader = false, cwd = REPO_ROOT): WeirProcess {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/weir.js`, ...args], { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: isGroupLeader });
  let output = "";
  child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    async stop(signal = "SIGTERM", graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}

/** Poll `probe` until it returns a truthy value (or throw after `timeoutMs`). */
export async function waitFor<T>(probe: () => Promise<T | null | undefined | false>, timeoutMs = 30_000, what = "condition"): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Whether a process id is alive. */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * An in-process worker on the "default" pool of the server at `apiUrl`, with test timings, added
 * to `started` for the file's afterAll to stop. Heartbeats every 2 s: 3 missed ones mean a crash,
 * and at 1 s a run process slow to start on a loaded machine was taken for a crashed one.
 */
export async function startTestWorker(
  started: RunningWorker[],
  connection: { client: OrchestrationApi; apiUrl: string },
  options: { queue: string; name: string; limit?: number; env?: Record<string, string> },
): Promise<RunningWorker> {
  const worker = await startWorker({
    client: connection.client,
    workPoolName: "default",
    workQueueNames: [options.queue],
    name: options.name,
    limit: options.limit ?? 2,
    pollIntervalMs: 300,
    heartbeatIntervalSeconds: 2,
    killGraceMs: 2000,
    shutdownGraceMs: 5000,
    apiUrl: connection.apiUrl,
    env: { WEIR_FROM_SOURCE: "1", NO_COLOR: "1", ...options.env },
  });
  started.push(worker);
  return worker;
}

/** A run's log lines, joined. */
export async function runLogText(client: OrchestrationApi, id: string): Promise<string> {
  return (await client.readLogs({ flowRunId: id })).map((log) => log.message).join("\n");
}

/** Wait until a run is in the state named `name`; on timeout, say what states it went through and what it logged. */
export async function waitForRunState(client: OrchestrationApi, id: string, name: string, timeoutMs = 45_000): Promise<FlowRun> {
  try {
    return await waitFor(async () => {
      const run = await client.readFlowRun(id);
      return run.stateName === name ? run : null;
    }, timeoutMs, `flow run ${id} to be ${name}`);
  } catch (error) {
    const states = (await client.readFlowRunStates(id)).map((state) => `${state.name}: ${state.message ?? ""}`);
    throw new Error(`${(error as Error).message}\nstates:\n${states.join("\n")}\nlogs:\n${await runLogText(client, id)}`, { cause: error });
  }
}
