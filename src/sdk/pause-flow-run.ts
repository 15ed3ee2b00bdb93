import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getEngineEffects } from "./engine-effects.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";

/** Options of `pauseFlowRun`. */
export interface PauseFlowRunOptions {
  /** Fail the run when nobody resumes it within this time. @default 3600 */
  timeoutSeconds?: number;
  /** How often to check whether the run was resumed. @default 1 */
  pollIntervalSeconds?: number;
  /** A description of the input expected on resume (stored in the Paused state's details). @default undefined */
  input?: Record<string, unknown>;
}

/**
 * Pause the current flow run (state Paused; the process waits) until someone resumes it
 * (`weir flow-run resume`, the dashboard, `resumeFlowRun`); resolves with the resume input.
 * Throws a TIMEOUT WeirError (failing the flow) when not resumed in time.
 * @example const { approved } = await pauseFlowRun({ timeoutSeconds: 600 });
 */
export async function pauseFlowRun(options: PauseFlowRunOptions = {}): Promise<Record<string, unknown>> {
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  if (flow === null || scope?.kind === "task") throw new WeirError("BAD_REQUEST", "pauseFlowRun() must be called in a flow body (not in a task)");
  const timeoutSeconds = options.timeoutSeconds ?? 3600;
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw WeirError.validation("pauseFlowRun options", [{ path: "timeoutSeconds", message: "must be a number > 0" }]);
  }
  const { clock, sleep } = getEngineEffects();
  const deadline = clock.now().getTime() + timeoutSeconds * 1000;
  await flow.buffer.flush();
  const paused = makeState("Paused", {
    now: clock.now(),
    scheduledTime: new Date(deadline).toISOString(),
    message: `paused for up to ${timeoutSeconds} s`,
    details: options.input === undefined ? null : { inputSchema: options.input },
  });
  const decided = await flow.client.setFlowRunState(flow.flowRunId, { state: paused, transitionId: paused.id });
  if (decided.status !== "ACCEPT") throw new WeirError("CONFLICT", `flow run ${flow.flowRunId} could not pause: ${decided.reason ?? decided.status}`);
  const pollMs = (options.pollIntervalSeconds ?? 1) * 1000;
  while (clock.now().getTime() < deadline && !flow.signal.aborted) {
    await sleep(pollMs, flow.signal);
    const run = await flow.client.readFlowRun(flow.flowRunId);
    if (run.stateType === "RUNNING") return ((run.state.details?.resumeInput as Record<string, unknown> | undefined) ?? {});
    if (run.stateType !== "PAUSED") throw new WeirError("CONFLICT", `flow run ${flow.flowRunId} left Paused for ${run.stateName}`);
  }
  throw new WeirError("TIMEOUT", `flow run ${flow.flowRunId} was not resumed within ${timeoutSeconds} s`);
}
