import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getEngineEffects } from "./engine-effects.js";
import type { PauseInput, PauseInputValue } from "./pause-input.js";
import { answeredPause, compilePause, pauseDetails, type PauseFlowRunOptions } from "./pause-point.js";

/**
 * Thrown through the flow body by `suspendFlowRun` once the run is Suspended: the engine ends
 * this execution without a final state (flow-run-supervisor.ts) and the process may exit. Code
 * that catches errors around `suspendFlowRun` must let it through.
 */
export class FlowRunSuspendedSignal extends Error {
  override readonly name: string = "FlowRunSuspendedSignal";

  constructor(readonly flowRunId: string) {
    super(`flow run ${flowRunId} is suspended; its body runs again when it is resumed`);
  }
}

/**
 * Suspend the current flow run of a deployment until someone resumes it, releasing its process:
 * the run goes Suspended, this execution ends, and the process exits. Resumed (`weir flow-run
 * resume ID --input k=v`, the dashboard, the API), the run is scheduled again and any worker of
 * its pool runs the flow from the top: task calls that finished before (same inputs and code)
 * reuse their results as a retry does, earlier pauses return their inputs, and this call returns
 * the resume input, checked by `input` and typed from it. Refused (BAD_REQUEST) for a run with
 * no deployment, which nothing could start again. Not resumed within `timeoutSeconds`, the
 * server fails the run. A call made again after the resume matches by `key` (default: call order).
 * @example const { approved } = await suspendFlowRun({ input: z.object({ approved: z.boolean() }), timeoutSeconds: 86_400 });
 */
export async function suspendFlowRun<S extends PauseInput | undefined = undefined>(options: PauseFlowRunOptions<S> = {}): Promise<PauseInputValue<S>> {
  const pause = compilePause("suspendFlowRun", options);
  const { flow } = pause;
  if (flow.deploymentId === null) {
    throw new WeirError(
      "BAD_REQUEST",
      `suspendFlowRun(): ${pause.owner} has no deployment, so no worker could start it again once its process exits; use pauseFlowRun() (the process waits), or run the flow through a deployment`,
    );
  }
  const answered = await answeredPause(flow.client, flow.flowRunId, pause.key);
  if (answered !== undefined) return (await pause.input.validate(answered.input, pause.owner)) as PauseInputValue<S>;
  // Submitted tasks finish first: their results are what the resumed run reuses.
  await Promise.allSettled([...flow.pendingTasks]);
  await flow.buffer.flush();
  const { clock } = getEngineEffects();
  const suspended = makeState("Suspended", {
    now: clock.now(),
    scheduledTime: new Date(clock.now().getTime() + pause.timeoutSeconds * 1000).toISOString(),
    message: `suspended for up to ${pause.timeoutSeconds} s${pause.input.jsonSchema === null ? "" : ", waiting for input"}; resumes on a worker`,
    details: pauseDetails(pause),
  });
  const decided = await flow.client.setFlowRunState(flow.flowRunId, { state: suspended, transitionId: suspended.id });
  if (decided.status !== "ACCEPT") throw new WeirError("CONFLICT", `${pause.owner} could not suspend: ${decided.reason ?? decided.status}`);
  throw new FlowRunSuspendedSignal(flow.flowRunId);
}
