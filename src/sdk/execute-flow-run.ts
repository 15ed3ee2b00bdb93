import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { FlowRun } from "../core/models.js";
import type { State } from "../core/states.js";
import { getClient } from "./client-provider.js";
import type { AnyFlow } from "./flow.js";

/** Options of `executeFlowRun`. */
export interface ExecuteFlowRunOptions {
  /** @default getClient() */
  client?: OrchestrationApi;
  /** Aborting it stops the run (its final state then is Failed, or Cancelled when the server cancelled it). */
  signal?: AbortSignal;
}

/**
 * Run an existing flow run (created by a deployment and claimed, or scheduled) in this process:
 * proposes Running, validates its parameters (invalid → Failed), runs the body with tasks, logs
 * and heartbeats, proposes the final state and flushes buffered writes. Resolves with the final state.
 * Given the run itself (as a worker's claim returned it) instead of its id, it skips reading it.
 * @example const state = await executeFlowRun(await loadFlow("flows.ts:etl"), flowRunId);
 */
export async function executeFlowRun(flow: AnyFlow, flowRun: string | FlowRun, options: ExecuteFlowRunOptions = {}): Promise<State> {
  const client = options.client ?? (await getClient());
  const existing = typeof flowRun === "string" ? await client.readFlowRun(flowRun) : flowRun;
  const outcome = await flow.run({ existing, client, ...(options.signal === undefined ? {} : { signal: options.signal }) });
  return outcome.state;
}
