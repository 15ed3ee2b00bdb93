/**
 * The flow engine: one call of a flow (or one deployment run given by id), to a final state.
 *
 * Life of a flow run here: parameters validated (invalid → VALIDATION thrown, no run created; for
 * an existing run, it is proposed Failed) → run created Running in one call (its history records
 * Pending then Running; a subflow also gets a task run in its parent, linked both ways) → body
 * runs with the run scope, console capture and timeout → submitted task runs settle → buffered
 * task runs and logs are flushed → final state proposed (Completed with the value,
 * Failed/TimedOut with the error, Cancelled) → hooks. A failed attempt
 * with retries left goes AwaitingRetry, waits, and runs again as Retrying.
 * Flow-run states go straight to `setFlowRunState` (few, and decided by the orchestrator).
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { FlowRun } from "../core/models.js";
import type { State, StateName } from "../core/states.js";
import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getClient, writeBufferFor } from "./client-provider.js";
import { installConsoleCapture } from "./console-capture.js";
import { getEngineEffects } from "./engine-effects.js";
import { logFinished } from "./failure-log.js";
import { FlowRunSupervisor } from "./flow-run-supervisor.js";
import type { FlowBody } from "./flow-run-supervisor.js";
import type { CompiledFlowOptions } from "./flow-options.js";
import type { RunOutcome } from "./run-outcome.js";
import { runScopeStorage, currentFlowScope } from "./run-scope.js";
import { endFlowRunTrace, startFlowRunTrace, type FlowRunTrace } from "./run-tracing.js";
import { tracingIfConfigured } from "../core/tracing/weir-tracing.js";
import type { TaskRunFields } from "./run-write-buffer.js";
import { toStoredError } from "./stored-error.js";
import { timeOrderedId } from "./time-ordered-id.js";
import { validateParameters, parameterJsonSchema } from "./validate-parameters.js";

/** What to run: new parameters, or an existing run (from a deployment) to execute. */
export interface FlowRunRequest {
  parameters?: unknown;
  existing?: FlowRun;
  client?: OrchestrationApi;
  signal?: AbortSignal;
}

const registeredFlows = new WeakMap<OrchestrationApi, Map<string, Promise<unknown>>>();

/** Run a flow to its final state. */
export async function runFlow(options: CompiledFlowOptions, body: FlowBody, request: FlowRunRequest): Promise<RunOutcome> {
  const parent = runScopeStorage.getStore();
  const parentFlow = currentFlowScope(parent);
  const client = request.client ?? parent?.client ?? (await getClient());
  const buffer = parent !== undefined && parent.client === client ? parent.buffer : writeBufferFor(client);
  const { existing } = request;
  if (options.logPrints) installConsoleCapture();

  let parameters: Record<string, unknown>;
  try {
    parameters = await validateParameters(options.name, options.params, existing?.parameters ?? request.parameters);
  } catch (error) {
    if (existing === undefined) throw error;
    const decided = await client.setFlowRunState(existing.id, { state: failedState(error) });
    // The run's log then says why it failed, as for a failure of its body.
    logFinished({ buffer, flowRunId: existing.id, taskRunId: null, who: `Flow run '${existing.name}'` }, decided.state);
    await buffer.flush().catch(() => undefined);
    return { state: decided.state, value: undefined, error, isFailed: true };
  }
  // A run made by a deployment already names its flow: registering (schema, version) need not
  // delay its start, only finish before the run returns, so it waits for the answer to the run's
  // Running (flow-run-supervisor.ts). A new run needs its flow first.
  let registration: Promise<void> | null = null;
  const register = (): Promise<void> => (registration ??= registerFlow(client, options));
  if (existing === undefined) await register();

  const now = getEngineEffects().clock.now();
  const flowRunId = existing?.id ?? timeOrderedId();
  let parentTask: TaskRunFields | null = null;
  if (existing === undefined && parentFlow !== null) {
    const dynamicKey = parentFlow.dynamicKeys.get(options.name) ?? 0;
    parentFlow.dynamicKeys.set(options.name, dynamicKey + 1);
    parentTask = {
      id: crypto.randomUUID(),
      flowRunId: parentFlow.flowRunId,
      name: `${options.name}-${dynamicKey}`,
      taskKey: options.name,
      dynamicKey: String(dynamicKey),
      tags: [...options.tags],
      subflowRunId: flowRunId,
      retryPolicy: { retries: 0, retryDelaySeconds: [0] },
    };
    void buffer.addTaskRunState(parentTask, makeState("Pending", { now }));
    void buffer.addTaskRunState(parentTask, makeState("Running", { now }));
  }
  let flowRun: FlowRun;
  if (existing === undefined) {
    flowRun = await client.createFlowRun({
      id: flowRunId,
      flowName: options.name,
      ...(options.runName === null ? {} : { name: runNameOf(options, parameters) }),
      parameters,
      tags: [...options.tags],
      parentFlowRunId: parentFlow?.flowRunId ?? null,
      parentTaskRunId: parentTask?.id ?? null,
      retryPolicy: options.storedRetryPolicy,
      state: makeState("Running", { now }),
    });
  } else {
    flowRun = existing;
  }
  // Traces off (the usual case): null at once, no promise awaited.
  const tracing = tracingIfConfigured();
  const loadedTracing = tracing === null ? null : await tracing;
  const trace: FlowRunTrace | null = loadedTracing === null ? null : startFlowRunTrace(loadedTracing, flowRun, options.name, parentFlow?.trace ?? null);

  const supervisor = new FlowRunSupervisor(options, body, {
    client,
    buffer,
    flowRun,
    parameters,
    isStarted: existing === undefined,
    isHeartbeating: existing !== undefined,
    signals: [request.signal, parent?.signal],
    trace,
    onStartAnswered: () => void register().catch(() => undefined),
  });
  let outcome: RunOutcome | undefined;
  try {
    outcome = await supervisor.run();
  } finally {
    await register().catch(() => undefined);
    if (trace !== null) endFlowRunTrace(trace, supervisor.finalState ?? outcome?.state ?? null, supervisor.flowAttempt);
    if (parentTask !== null) {
      const last = supervisor.finalState;
      const name: StateName = last === null ? "Crashed" : last.type === "COMPLETED" ? "Completed" : last.type === "CANCELLED" ? "Cancelled" : last.type === "CRASHED" ? "Crashed" : "Failed";
      void buffer.addTaskRunState(parentTask, makeState(name, { now: getEngineEffects().clock.now(), message: `subflow run ${flowRunId} ended ${last?.name ?? "Crashed"}`, error: last?.error ?? null }));
    }
  }
  return outcome;
}

function failedState(error: unknown): State {
  const stored = { ...toStoredError(error), isRetryable: false };
  return makeState("Failed", { now: getEngineEffects().clock.now(), message: stored.message, error: stored });
}

async function registerFlow(client: OrchestrationApi, options: CompiledFlowOptions): Promise<void> {
  let known = registeredFlows.get(client);
  if (known === undefined) {
    known = new Map();
    registeredFlows.set(client, known);
  }
  let registration = known.get(options.name);
  if (registration === undefined) {
    registration = client.upsertFlow({
      name: options.name,
      description: options.description,
      version: options.version,
      parameterSchema: parameterJsonSchema(options.params),
      tags: [...options.tags],
    });
    known.set(options.name, registration);
    registration.catch(() => known.delete(options.name));
  }
  await registration;
}

function runNameOf(options: CompiledFlowOptions, parameters: Record<string, unknown>): string {
  const { runName } = options;
  if (typeof runName === "string") return runName;
  try {
    return String(runName!(parameters));
  } catch (error) {
    throw new WeirError("BAD_REQUEST", `runName of flow '${options.name}' threw: ${error instanceof Error ? error.message : String(error)}`);
  }
}
