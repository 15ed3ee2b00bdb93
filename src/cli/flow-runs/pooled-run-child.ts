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
 *
 * What stays warm besides modules: the client, the flows loaded (by working directory and
 * entrypoint; the worker gives a run whose entrypoint file changed a process that never loaded
 * it), and the way logs travel: the run's log records go to the worker over the IPC channel,
 * which writes those of all its processes in one batch.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { LogInput } from "../../core/api-types.js";
import type { FromPooledProcess, ToPooledProcess, PooledRunRequest } from "../../worker/pool-messages.js";
import { cliClient } from "../cli-client.js";
import { errorLine } from "../output/error-line.js";
import type { LoadedFlow } from "./execute-in-process.js";
import { applyRunSurroundings, executeDeploymentFlowRun, loadRunRuntime } from "./flow-run-child.js";

function send(message: FromPooledProcess): Promise<void> {
  return new Promise((resolve) => {
    if (!process.connected || process.send === undefined) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });
}

/** `client`, except that its log records go to the worker (see file header). */
function logsThroughWorker(client: OrchestrationApi): OrchestrationApi {
  const appendLogs = async (logs: LogInput[]): Promise<void> => send({ type: "logs", logs });
  return new Proxy(client, {
    get(target, property) {
      if (property === "appendLogs") return appendLogs;
      const value: unknown = Reflect.get(target, property, target);
      // Methods run on the client itself (its private fields are not the proxy's).
      return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Serve the worker's run requests until retired; resolves to the exit code (0). */
export async function runPooledRunChild(): Promise<number> {
  if (process.send === undefined) throw new Error("weir flow-run execute --pool runs only as a worker's pooled process (it needs the worker's IPC channel)");
  await loadRunRuntime();
  const client = logsThroughWorker(await cliClient({ waitsOutRestarts: true }));
  const loadedFlows = new Map<string, LoadedFlow>();
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
    let line: string | undefined;
    try {
      applyRunSurroundings(request);
      const known = { ...(request.entrypoint === undefined ? {} : { entrypoint: request.entrypoint }), ...(request.flowRun === undefined ? {} : { flowRun: request.flowRun }) };
      code = await executeDeploymentFlowRun(request.flowRunId, known, { client, loadedFlows, report: (text) => (line = text) });
    } catch (error) {
      process.stderr.write(`${errorLine(error)}\n`);
      code = 1;
    }
    isRunning = false;
    await send({ type: "done", flowRunId: request.flowRunId, code, rssBytes: process.memoryUsage.rss(), ...(line === undefined ? {} : { line }) });
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
