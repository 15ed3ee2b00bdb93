import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getEngineEffects } from "./engine-effects.js";
import type { PauseInput, PauseInputValue } from "./pause-input.js";
import { answeredPause, compilePause, pauseDetails, pauseTimeoutMessage, type PauseFlowRunOptions } from "./pause-point.js";

export type { PauseFlowRunOptions } from "./pause-point.js";

/**
 * Pause the current flow run (state Paused; the process waits, heartbeating) until someone
 * resumes it (`weir flow-run resume ID --input k=v`, the dashboard's form, `POST
 * /api/flow-runs/{id}/resume`); resolves with the resume input, checked by `input` and typed
 * from it. Not resumed within `timeoutSeconds`: throws a TIMEOUT WeirError, which fails the run
 * ("paused for input for 60 s without a resume"). To release the process while waiting, use
 * `suspendFlowRun`.
 * @example const { approved, note } = await pauseFlowRun({ input: z.object({ approved: z.boolean(), note: z.string().optional() }), timeoutSeconds: 600 });
 */
export async function pauseFlowRun<S extends PauseInput | undefined = undefined>(options: PauseFlowRunOptions<S> = {}): Promise<PauseInputValue<S>> {
  const pause = compilePause("pauseFlowRun", options);
  const { flow } = pause;
  const answered = await answeredPause(flow.client, flow.flowRunId, pause.key);
  if (answered !== undefined) return (await pause.input.validate(answered.input, pause.owner)) as PauseInputValue<S>;
  const { clock, sleep } = getEngineEffects();
  const deadline = clock.now().getTime() + pause.timeoutSeconds * 1000;
  await flow.buffer.flush();
  const paused = makeState("Paused", {
    now: clock.now(),
    scheduledTime: new Date(deadline).toISOString(),
    message: `paused for up to ${pause.timeoutSeconds} s${pause.input.jsonSchema === null ? "" : ", waiting for input"}`,
    details: pauseDetails(pause),
  });
  const decided = await flow.client.setFlowRunState(flow.flowRunId, { state: paused, transitionId: paused.id });
  if (decided.status !== "ACCEPT") throw new WeirError("CONFLICT", `${pause.owner} could not pause: ${decided.reason ?? decided.status}`);
  for (;;) {
    const isLastLook = clock.now().getTime() >= deadline || flow.signal.aborted;
    if (!isLastLook) await sleep(Math.min(pause.pollMs, Math.max(1, deadline - clock.now().getTime())), flow.signal);
    const run = await flow.client.readFlowRun(flow.flowRunId);
    if (run.stateType === "RUNNING") return (await pause.input.validate(run.state.details?.resumeInput ?? {}, pause.owner)) as PauseInputValue<S>;
    if (run.stateType !== "PAUSED") throw new WeirError("CONFLICT", `${pause.owner} left Paused for ${run.stateName}`);
    if (isLastLook) break;
  }
  if (flow.signal.aborted) throw flow.signal.reason;
  throw new WeirError("TIMEOUT", pauseTimeoutMessage(pause));
}
