/**
 * A worker's pooled run process (`bin/weir.js flow-run execute --pool`, execution mode `pooled`):
 * it loads the runtime once (client, SDK, TypeScript loader), says `ready` on its IPC channel, then
 * executes the runs the worker sends one after another, answering `done` after each with the
 * exit code a process of its own would have had and its resident memory. The client, its
 * connections and every module loaded stay warm from one run to the next: that is the saving.
 *
 * Between runs it takes each run's working directory and whole environment (job variables
 * included; the worker gives runs whose NODE_* or UV_* variables differ a process of their own).
 * SIGTERM (the worker cancelling the run) aborts the current run's signal, as in a process per
 * run, and retires the process once that run ended; `retire` or a closed channel retire it when idle.
 * A run whose code takes the process down (an uncaught error, process.exit) leaves the worker to
 * mark it Crashed and start another process.
 */
import type { FromPooledProcess, ToPooledProcess, PooledRunRequest } from "../../worker/pool-messages.js";
import { errorLine } from "../output/error-line.js";
import { applyRunSurroundings, executeDeploymentFlowRun, loadRunRuntime } from "./flow-run-child.js";

function send(message: FromPooledProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** Serve the worker's run requests until retired; resolves to the exit code (0). */
export async function runPooledRunChild(): Promise<number> {
  if (process.send === undefined) throw new Error("weir flow-run execute --pool runs only as a worker's pooled process (it needs the worker's IPC channel)");
  await loadRunRuntime();
  let isRunning = false;
  let isRetiring = false;
  let finish: (code: number) => void = () => undefined;
  const finished = new Promise<number>((resolve) => (finish = resolve));
  const retire = (): void => {
    isRetiring = true;
    if (!isRunning) finish(0);
  };
  // The run in progress gets the signal too (execute-in-process.ts aborts it); then we retire.
  process.on("SIGTERM", retire);
  process.on("SIGINT", retire);
  process.on("disconnect", retire);

  const runOne = async (request: PooledRunRequest): Promise<void> => {
    isRunning = true;
    let code: number;
    try {
      applyRunSurroundings(request);
      const known = { ...(request.entrypoint === undefined ? {} : { entrypoint: request.entrypoint }), ...(request.flowRun === undefined ? {} : { flowRun: request.flowRun }) };
      code = await executeDeploymentFlowRun(request.flowRunId, known);
    } catch (error) {
      process.stderr.write(`${errorLine(error)}\n`);
      code = 1;
    }
    isRunning = false;
    await send({ type: "done", flowRunId: request.flowRunId, code, rssBytes: process.memoryUsage.rss() });
    if (isRetiring) finish(0);
  };

  process.on("message", (message: ToPooledProcess) => {
    if (message?.type === "retire") retire();
    else if (message?.type === "run" && !isRunning && !isRetiring) void runOne(message.request);
  });
  await send({ type: "ready" });
  const code = await finished;
  process.off("SIGTERM", retire);
  process.off("SIGINT", retire);
  return code;
}
