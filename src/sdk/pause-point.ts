/**
 * What `pauseFlowRun` and `suspendFlowRun` share: their options, checked; the key of each pause
 * in a flow body; and the answers already given in this attempt.
 *
 * Each call gets a key (`options.key`, else `pause-1`, `pause-2`, … in call order within the
 * attempt), stored in its Paused/Suspended state's `details.pauseKey`. A suspended run starts its
 * body again from the top when it is resumed (its finished task runs are reused like a retry's),
 * so the pauses it passed before are met again: each one whose key was paused and resumed since
 * this attempt started returns the input it was resumed with instead of pausing again. A retry
 * starts a new attempt, so it asks again.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { isResumingState } from "../core/flow-run-rules.js";
import { checkKnownOptions } from "../core/option-checks.js";
import type { State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { PAUSE_OPTION_ALIASES } from "./option-aliases.js";
import { compilePauseInput, type CompiledPauseInput, type PauseInput } from "./pause-input.js";
import { currentFlowScope, runScopeStorage, type FlowRunScope } from "./run-scope.js";

/** Options of `pauseFlowRun` and `suspendFlowRun`. */
export interface PauseFlowRunOptions<S extends PauseInput | undefined = PauseInput | undefined> {
  /** Fail the run when nobody resumes it within this time. @default 3600 */
  timeoutSeconds?: number;
  /** How often a paused (not suspended) run checks whether it was resumed. @default 1 */
  pollIntervalSeconds?: number;
  /**
   * The input to wait for: a zod schema (or any Standard Schema), whose output type the call
   * resolves with, or a JSON Schema object. Stored as JSON Schema with the state, so resuming
   * with input it refuses fails (422, `weir flow-run resume` exit 2) naming the field.
   * @default undefined (any object resumes the run)
   */
  input?: S;
  /** Names this pause among the flow's pauses (a resumed suspended run matches them by key). @default "pause-N", N counting calls in the attempt */
  key?: string;
}

const PAUSE_OPTION_KEYS = ["timeoutSeconds", "pollIntervalSeconds", "input", "key"];

/** A pause's options, checked and compiled. */
export interface CompiledPause {
  readonly flow: FlowRunScope;
  readonly timeoutSeconds: number;
  readonly pollMs: number;
  readonly input: CompiledPauseInput;
  readonly key: string;
  /** Names the run in messages: `flow run 'rapid-beaver-16'`. */
  readonly owner: string;
}

// Calls so far per flow run scope and attempt (a retry attempt counts from 1 again).
const callCounts = new WeakMap<FlowRunScope, { attempt: number; count: number }>();

/** Check the options of `fn` (`pauseFlowRun`/`suspendFlowRun`) and the context it is called in. */
export function compilePause(fn: string, options: PauseFlowRunOptions): CompiledPause {
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  if (flow === null || scope?.kind === "task") throw new WeirError("BAD_REQUEST", `${fn}() must be called in a flow body (not in a task)`);
  if (typeof options !== "object" || options === null) throw WeirError.validation(`${fn} options`, [{ path: "options", message: "must be an object" }]);
  checkKnownOptions(options, { kind: fn, known: PAUSE_OPTION_KEYS, aliases: PAUSE_OPTION_ALIASES });
  const timeoutSeconds = options.timeoutSeconds ?? 3600;
  if (typeof timeoutSeconds !== "number" || !Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0) {
    throw WeirError.validation(`${fn} options`, [{ path: "timeoutSeconds", message: "must be a number > 0" }]);
  }
  const pollSeconds = options.pollIntervalSeconds ?? 1;
  if (typeof pollSeconds !== "number" || !Number.isFinite(pollSeconds) || pollSeconds <= 0) {
    throw WeirError.validation(`${fn} options`, [{ path: "pollIntervalSeconds", message: "must be a number > 0" }]);
  }
  if (options.key !== undefined && (typeof options.key !== "string" || options.key === "")) {
    throw WeirError.validation(`${fn} options`, [{ path: "key", message: "must be a non-empty string" }]);
  }
  const input = compilePauseInput(options.input, `${fn} options`);
  let counter = callCounts.get(flow);
  if (counter === undefined || counter.attempt !== flow.attempt) {
    counter = { attempt: flow.attempt, count: 0 };
    callCounts.set(flow, counter);
  }
  counter.count += 1;
  return { flow, timeoutSeconds, pollMs: pollSeconds * 1000, input, key: options.key ?? `pause-${counter.count}`, owner: `flow run '${flow.flowRunName}'` };
}

/** The details a Paused/Suspended state carries: its key and the JSON Schema of its input. */
export function pauseDetails(pause: CompiledPause): Record<string, unknown> {
  return { pauseKey: pause.key, ...(pause.input.jsonSchema === null ? {} : { inputSchema: pause.input.jsonSchema }) };
}

/** The message of a pause that nobody resumed in time: `paused for input for 60 s without a resume`. */
export function pauseTimeoutMessage(pause: CompiledPause): string {
  const what = pause.input.jsonSchema === null ? "paused" : "paused for input";
  return `${pause.owner} ${what} for ${pause.timeoutSeconds} s without a resume`;
}

/**
 * The input pause `key` was resumed with in this attempt, or undefined when it was not paused
 * yet (see the file header). `{ input: … }` so that a resume without input is told apart.
 */
export async function answeredPause(client: OrchestrationApi, flowRunId: string, key: string): Promise<{ input: unknown; details: Record<string, unknown> } | undefined> {
  const states = await client.readFlowRunStates(flowRunId);
  const start = attemptStartIndex(states);
  for (let index = Math.max(0, start); index < states.length - 1; index += 1) {
    const state = states[index]!;
    if (state.type !== "PAUSED" || state.details?.pauseKey !== key) continue;
    const next = states[index + 1]!;
    // resumeFlowRun moves Paused → Running and Suspended → Scheduled, with the input in `details`.
    if ((state.name === "Paused" && next.type === "RUNNING") || (state.name === "Suspended" && next.type === "SCHEDULED")) {
      return { input: next.details?.resumeInput ?? {}, details: next.details ?? {} };
    }
  }
  return undefined;
}

// Where the current attempt started: its first Running that neither follows a pause nor starts a
// resumed suspended run (the state before it is marked `resuming`; -1 when none is recorded).
function attemptStartIndex(states: readonly State[]): number {
  for (let index = states.length - 1; index >= 0; index -= 1) {
    if (states[index]!.type !== "RUNNING") continue;
    const previous = index > 0 ? states[index - 1]! : null;
    if (previous !== null && (previous.type === "PAUSED" || isResumingState(previous) || isResumingState(states[index]!))) continue;
    return index;
  }
  return -1;
}
