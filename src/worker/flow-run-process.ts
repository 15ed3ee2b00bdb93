/**
 * The child process of one flow run: `node <weir>/bin/weir.js flow-run execute <id>` in the
 * deployment's working directory, with `WEIR_API_URL` (and WEIR_FROM_SOURCE, the deployment's job
 * variables) in its environment. Its stderr lines go to the run's logs (logger `weir.worker`,
 * level ERROR) in small batches: what the SDK cannot capture itself, such as a module that fails
 * to load. The SDK prints what it records (its logger, captured console calls) on stdout in a run
 * process (WEIR_RECORDED_OUTPUT=stdout, set by the worker), so no line is stored twice; stdout
 * goes to the logs too only with `forwardStdout`. Both are echoed to the
 * worker's own output when asked. Stopping sends SIGTERM, which aborts the run's signal in the
 * process (code that honours it ends the run Cancelled at once), then SIGKILL after a grace
 * period for code that ignores it, which the run's logs then say.
 *
 * The process runs in a process group of its own (`detached`): Ctrl+C in the worker's terminal
 * reaches the worker only, which lets its runs finish (shutdown grace); a worker that dies leaves
 * its runs' processes to finish and report their runs themselves; and stopping signals the whole
 * group, so processes the run's code started do not outlive it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { createLogBatcher } from "./log-batcher.js";
import type { FlowRun, LogLevel } from "../core/models.js";

/** Path of the `weir` executable script of this package. */
export const WEIR_BIN = fileURLToPath(new URL("../../bin/weir.js", import.meta.url));

/** What starting a run's process needs. */
export interface FlowRunProcessRequest {
  /** The run to execute; null starts a warm spare that waits for its run on stdin (warm-spare.ts). */
  flowRunId: string | null;
  cwd: string;
  env: Record<string, string>;
  /** The deployment's entrypoint and the claimed run, handed to a warm spare so it need not read them. */
  entrypoint?: string;
  flowRun?: FlowRun;
}

/** Starts a run's child process (injected in tests). */
export type SpawnFlowRun = (request: FlowRunProcessRequest) => ChildProcess;

/** The default: a real `node bin/weir.js flow-run execute (<id> | --wait)` child. */
export const spawnFlowRunProcess: SpawnFlowRun = (request) =>
  spawn(process.execPath, [WEIR_BIN, "flow-run", "execute", request.flowRunId ?? "--wait"], {
    cwd: request.cwd,
    env: request.env,
    stdio: [request.flowRunId === null ? "pipe" : "ignore", "pipe", "pipe"],
    detached: true,
  });

/** How a child ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A started run process. */
export interface FlowRunProcess {
  pid: number | undefined;
  /** Resolves when the process exited and its output was written to the logs. */
  exited: Promise<ProcessExit>;
  /** SIGTERM now, SIGKILL after `graceMs` if still alive. */
  stop(graceMs: number): void;
  /** SIGKILL now. */
  kill(): void;
  /** Whether the process has not exited yet. */
  isAlive(): boolean;
}


/** How a run's output is handled. */
export interface FlowRunOutput {
  client: OrchestrationApi;
  /** Where every line is echoed, prefixed with the run id (the worker's own output), or null. */
  echo: NodeJS.WritableStream | null;
  /** Also copy stdout into the run's logs (the SDK records prints itself). @default false */
  forwardStdout?: boolean;
}

/** Follow the started process `child` of run `flowRunId`, streaming its output into the run's logs. */
export function followFlowRunProcess(child: ChildProcess, flowRunId: string, output: FlowRunOutput): FlowRunProcess {
  const { client, echo, forwardStdout = false } = output;
  const logs = createLogBatcher(client);
  const follow = (stream: NodeJS.ReadableStream | null, level: LogLevel, isForwarded: boolean): Promise<void> => {
    if (!stream) return Promise.resolve();
    const lines = createInterface({ input: stream, crlfDelay: Infinity });
    lines.on("line", (message) => {
      echo?.write(`${flowRunId.slice(0, 8)} | ${message}\n`);
      if (!isForwarded) return;
      logs.add({ flowRunId, level, name: "weir.worker", message, timestamp: new Date().toISOString() });
    });
    return new Promise((resolve) => lines.once("close", () => resolve()));
  };
  const outputDone = Promise.all([follow(child.stdout, "INFO", forwardStdout), follow(child.stderr, "ERROR", true)]);
  let killTimer: NodeJS.Timeout | null = null;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("error", () => resolve({ code: null, signal: null }));
    child.once("exit", (code, signal) => resolve({ code, signal }));
  }).then(async (exit) => {
    await Promise.race([outputDone, new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (killTimer) clearTimeout(killTimer);
    await logs.close();
    return exit;
  });
  return {
    pid: child.pid,
    exited,
    stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      signalGroup(child, "SIGTERM");
      killTimer ??= setTimeout(() => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const message = `the run's process was still running ${graceMs / 1000} s after SIGTERM (its code ignores the run's signal): killed with SIGKILL`;
        logs.add({ flowRunId, level: "WARNING", name: "weir.worker", message, timestamp: new Date().toISOString() });
        signalGroup(child, "SIGKILL");
      }, graceMs);
    },
    kill() {
      if (child.exitCode === null && child.signalCode === null) signalGroup(child, "SIGKILL");
    },
    isAlive: () => child.exitCode === null && child.signalCode === null,
  };
}

// The run's process leads its own group: the signal reaches what its code started too (a shell
// command, a Python script), so none outlives a cancelled run. A child started otherwise (an
// injected spawn) has no group of its own: then only the child is signalled.
/** Signal the process group `child` leads (the child alone when it leads none). */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // No such group: fall back to the child alone.
    }
  }
  child.kill(signal);
}
