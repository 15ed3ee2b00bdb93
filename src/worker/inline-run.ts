/**
 * Execution mode `inline`: a run executed in the worker's own process, on the worker's client,
 * for trusted, light flows. Nothing is started, so a run begins at once; in exchange the run
 * shares everything with the worker and the other inline runs: its working directory (the
 * entrypoint is found in the deployment's path, but `process.cwd()` stays the worker's), its
 * environment (a deployment with job variables runs pooled instead, see start-worker.ts), its
 * memory and its event loop. A run that crashes the process takes the worker down.
 * Cancelling aborts the run's signal; code that ignores it for `graceMs` is abandoned (the
 * worker marks the run Cancelled and frees the slot, but cannot stop that code).
 * The executor (loading the flow, running it through the SDK) is given by the caller: the worker
 * layer does not import the SDK (the CLI passes src/cli/flow-runs/inline-executor.ts).
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { FlowRun } from "../core/models.js";
import type { FlowRunProcess, ProcessExit } from "./flow-run-process.js";

/** What an inline run needs. */
export interface InlineRunRequest {
  flowRun: FlowRun;
  entrypoint: string;
  cwd: string;
}

/**
 * Loads and executes a run here; resolves to the exit code a run process would have had (0:
 * Completed or Suspended). `signal` aborts with the name of the signal a process would have got.
 */
export type InlineExecutor = (client: OrchestrationApi, request: InlineRunRequest, signal: AbortSignal, echo: NodeJS.WritableStream | null) => Promise<number>;

/** Execute `request` here; the handle is that of a process per run (`pid` is the worker's). */
export function startInlineRun(execute: InlineExecutor, client: OrchestrationApi, request: InlineRunRequest, echo: NodeJS.WritableStream | null): FlowRunProcess {
  const controller = new AbortController();
  let isDone = false;
  let abandon: (exit: ProcessExit) => void = () => undefined;
  const abandoned = new Promise<ProcessExit>((resolve) => (abandon = resolve));
  let abandonTimer: NodeJS.Timeout | null = null;

  const ran = execute(client, request, controller.signal, echo).then(
    (code): ProcessExit => ({ code, signal: null }),
    (error: unknown): ProcessExit => {
      echo?.write(`${request.flowRun.id.slice(0, 8)} | ${error instanceof Error ? error.message : String(error)}\n`);
      return { code: 1, signal: null };
    },
  );
  const exited = Promise.race([ran, abandoned]).then((exit) => {
    isDone = true;
    if (abandonTimer) clearTimeout(abandonTimer);
    return exit;
  });
  return {
    pid: process.pid,
    exited,
    stop(graceMs) {
      if (isDone) return;
      controller.abort("SIGTERM");
      abandonTimer ??= setTimeout(() => abandon({ code: null, signal: "SIGKILL" }), graceMs);
    },
    kill() {
      if (isDone) return;
      controller.abort("SIGKILL");
      abandon({ code: null, signal: "SIGKILL" });
    },
    isAlive: () => !isDone,
  };
}
