/**
 * What a worker's `inline` execution mode runs (src/worker/inline-run.ts): load the deployment's
 * flow in this process (again when its entrypoint file changed: keyed by its mtime and size) and
 * execute the run through the SDK on the worker's own client. The worker layer may not import the
 * SDK (DESIGN §7), so the CLI hands this function to the worker.
 */
import type { InlineExecutor } from "../../worker/inline-run.js";
import { entrypointKey } from "../../worker/run-process-pool.js";
import { makeState } from "../../core/states.js";

/** Execute one run in this process; resolves to the exit code a run process would have had. */
export const executeInline: InlineExecutor = async (client, request, signal, echo) => {
  const [{ loadFlow }, { executeFlowRun }, { RunProcessStoppedError }] = await Promise.all([
    import("../../sdk/load-flow.js"),
    import("../../sdk/execute-flow-run.js"),
    import("../../sdk/flow-run-stop.js"),
  ]);
  const { flowRun } = request;
  let flow: Awaited<ReturnType<typeof loadFlow>>;
  try {
    flow = await loadFlow(request.entrypoint, request.cwd, entrypointKey(request.entrypoint, request.cwd).key);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    echo?.write(`${flowRun.id.slice(0, 8)} | could not load the flow: ${message}\n`);
    const state = makeState("Crashed", { message: `could not load the flow: ${message}`, error: { name: error instanceof Error ? error.name : "Error", message, isRetryable: false } });
    await client.setFlowRunState(flowRun.id, { state }).catch(() => undefined);
    return 1;
  }
  // Stopped as its process would have been: a signal (Cancelled when cancelling, else Crashed).
  const stop = new AbortController();
  const onAbort = (): void => stop.abort(new RunProcessStoppedError(signal.reason === "SIGKILL" ? "SIGKILL" : "SIGTERM"));
  if (signal.aborted) onAbort();
  else signal.addEventListener("abort", onAbort, { once: true });
  const state = await executeFlowRun(flow, flowRun, { client, signal: stop.signal }).finally(() => signal.removeEventListener("abort", onAbort));
  echo?.write(`${flowRun.id.slice(0, 8)} | Flow run '${flowRun.name}' (${flowRun.id}) finished in state ${state.name}\n`);
  return state.type === "COMPLETED" || state.type === "PAUSED" ? 0 : 1;
};
