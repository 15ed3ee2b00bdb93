import type { FlowRun, Parameters } from "../core/models.js";
import { isTerminalStateType } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { getEngineEffects } from "./engine-effects.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";

/** Options of `runDeployment`. */
export interface RunDeploymentOptions {
  /** Wait until the run reaches a terminal state. @default true */
  wait?: boolean;
  /** @default 1 */
  pollIntervalSeconds?: number;
  /** Give up waiting after this long (TIMEOUT; the run goes on). @default undefined (wait forever) */
  timeoutSeconds?: number;
  /** @default [] */
  tags?: string[];
  /** When to start. @default now */
  scheduledTime?: string;
  /**
   * Create at most one run of the deployment per key: a second call with the same key returns
   * the run the first one created (e.g. a flow retried after it started a deployment run).
   * @default undefined (every call creates a run)
   */
  idempotencyKey?: string;
}

/**
 * Create a run of a deployment (`flowName/deploymentName`) for a worker to pick up; inside a
 * flow the new run is linked to it as a child. With `wait` (default), resolves once it ended.
 * @example const run = await runDeployment("etl/nightly", { day: "2024-01-01" });
 */
export async function runDeployment(name: string, parameters: Parameters = {}, options: RunDeploymentOptions = {}): Promise<FlowRun> {
  const scope = runScopeStorage.getStore();
  const client = scope?.client ?? (await getClient());
  const deployment = await client.readDeploymentByName(name);
  let run = await client.createDeploymentFlowRun(deployment.id, {
    parameters,
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.scheduledTime === undefined ? {} : { scheduledTime: options.scheduledTime }),
    ...(options.idempotencyKey === undefined ? {} : { idempotencyKey: options.idempotencyKey }),
    parentFlowRunId: currentFlowScope(scope)?.flowRunId ?? null,
  });
  if (options.wait === false) return run;
  const { clock, sleep } = getEngineEffects();
  const started = clock.now().getTime();
  const pollMs = (options.pollIntervalSeconds ?? 1) * 1000;
  while (!isTerminalStateType(run.stateType)) {
    if (options.timeoutSeconds !== undefined && clock.now().getTime() - started >= options.timeoutSeconds * 1000) {
      throw new WeirError("TIMEOUT", `flow run ${run.id} of deployment ${name} did not finish within ${options.timeoutSeconds} s (it is ${run.stateName})`);
    }
    await sleep(pollMs, scope?.signal);
    if (scope?.signal.aborted === true) throw scope.signal.reason;
    run = await client.readFlowRun(run.id);
  }
  return run;
}
