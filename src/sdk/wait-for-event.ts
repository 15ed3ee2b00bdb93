/**
 * `waitForEvent({ name, resource, related, tags, match, timeoutSeconds })`: wait inside a flow
 * for a stored event (`flow-run.Completed` of another run, a `deployment.updated`, …) and resolve
 * with it. Events from `lookbackSeconds` (default 60) before the call count, so one stored just
 * before the wait began is not missed. Not met within `timeoutSeconds`: throws a TIMEOUT
 * WeirError naming the wait (which fails the run unless caught).
 *
 * A wait of up to the suspend threshold (`WEIR_SUSPEND_THRESHOLD_SECONDS`, default 300 s) polls
 * in this process (every `pollIntervalSeconds`, ended by cancellation). A longer one, in a run of
 * a deployment, first checks the events already stored, then **suspends** the run: the process
 * exits, and the server's late-runs loop resumes the run when a matching event is stored
 * (src/orchestration/maintenance/resume-runs-on-events.ts) or when the timeout comes
 * (resume-due-waits.ts); the same call in the re-run (matched by call order, or `key`) then
 * returns that event, or throws the timeout.
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { firstMatchingEvent, type EventWait } from "../core/event-wait.js";
import { eventNameFilterProblem, type StoredEvent, type StoredEventFilter } from "../core/events.js";
import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { getEngineEffects } from "./engine-effects.js";
import { answeredPause, compilePause } from "./pause-point.js";
import { currentFlowScope, runScopeStorage } from "./run-scope.js";
import { suspendThresholdSeconds } from "./sleep-until.js";
import { FlowRunSuspendedSignal } from "./suspend-flow-run.js";

/** Options of {@link waitForEvent}. */
export interface WaitForEventOptions {
  /** The event's name, or a prefix ending in `*` (`flow-run.*`). */
  name: string;
  /** The id of the resource the event is about (a flow run's id, a work pool's name, …). */
  resource?: string;
  /** Ids of resources the event must be related to (flow, deployment, work pool, parent run). */
  related?: string[];
  /** Tags the event must carry. */
  tags?: string[];
  /** Payload fields by dotted path (`state.name`), each equal as JSON. @default {} */
  match?: Record<string, unknown>;
  /** Give up (TIMEOUT) after this long. @default 3600 */
  timeoutSeconds?: number;
  /** Events stored this long before the call count too. @default 60 */
  lookbackSeconds?: number;
  /** How often a wait in this process reads new events. @default 1 */
  pollIntervalSeconds?: number;
  /** Waits longer than this suspend the run instead of polling here. @default WEIR_SUSPEND_THRESHOLD_SECONDS, else 300 */
  suspendAfterSeconds?: number;
  /** Names this wait among the flow's waits and pauses. @default "pause-N", by call order */
  key?: string;
}

function invalid(path: string, message: string): never {
  throw WeirError.validation("waitForEvent options", [{ path, message }]);
}

function positive(value: unknown, path: string, fallback: number, allowZero = false): number {
  const number = value ?? fallback;
  if (typeof number !== "number" || !Number.isFinite(number) || number < 0 || (!allowZero && number === 0)) invalid(path, `must be a number ${allowZero ? "≥" : ">"} 0`);
  return number;
}

function stringList(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item === "")) invalid(path, "must be a list of non-empty strings");
  return value as string[];
}

/** The options, checked: the stored-event filter and payload match of the wait, and its times. */
function compileWait(options: WaitForEventOptions, nowMs: number) {
  if (typeof options !== "object" || options === null) invalid("options", "must be an object with at least a name");
  if (typeof options.name !== "string") invalid("name", "must be an event name such as 'flow-run.Completed' (or a prefix such as 'flow-run.*')");
  const problem = eventNameFilterProblem(options.name);
  if (problem !== null) invalid("name", problem);
  if (options.resource !== undefined && (typeof options.resource !== "string" || options.resource === "")) invalid("resource", "must be a non-empty id");
  const match = options.match ?? {};
  if (typeof match !== "object" || match === null || Array.isArray(match)) invalid("match", "must be an object of payload fields");
  const related = stringList(options.related, "related");
  const tags = stringList(options.tags, "tags");
  const filter: StoredEventFilter = {
    events: [options.name],
    ...(options.resource === undefined ? {} : { resourceId: options.resource }),
    ...(related === undefined ? {} : { related }),
    ...(tags === undefined ? {} : { tags }),
  };
  const timeoutSeconds = positive(options.timeoutSeconds, "timeoutSeconds", 3600);
  const lookbackSeconds = positive(options.lookbackSeconds, "lookbackSeconds", 60, true);
  const wait: EventWait = { filter, match, since: new Date(nowMs - lookbackSeconds * 1000).toISOString() };
  return { wait, timeoutSeconds, pollMs: positive(options.pollIntervalSeconds, "pollIntervalSeconds", 1) * 1000, threshold: positive(options.suspendAfterSeconds, "suspendAfterSeconds", suspendThresholdSeconds(), true) };
}

function timeoutError(name: string, timeoutSeconds: number, why = "no matching event was stored"): WeirError {
  return new WeirError("TIMEOUT", `waitForEvent('${name}'): ${why} within ${timeoutSeconds} s`);
}

/** The first matching event stored since the wait's start, and where to follow newer ones from. */
async function storedMatch(client: OrchestrationApi, wait: EventWait): Promise<{ event: StoredEvent | undefined; followCursor: string }> {
  const page = await client.listEvents({ ...wait.filter, since: wait.since, limit: 1000 });
  return { event: firstMatchingEvent(page.events, wait.match, true), followCursor: page.followCursor };
}

/** Poll in this process until a match, the deadline (TIMEOUT) or `signal` (its reason). */
async function pollForEvent(client: OrchestrationApi, name: string, wait: EventWait, deadlineMs: number, pollMs: number, timeoutSeconds: number, signal: AbortSignal | undefined): Promise<StoredEvent> {
  const { clock, sleep } = getEngineEffects();
  const first = await storedMatch(client, wait);
  if (first.event) return first.event;
  let cursor = first.followCursor;
  for (;;) {
    const leftMs = deadlineMs - clock.now().getTime();
    if (leftMs <= 0) throw timeoutError(name, timeoutSeconds);
    await sleep(Math.min(pollMs, leftMs), signal);
    if (signal?.aborted) throw signal.reason;
    for (;;) {
      const batch = await client.readEventsAfter({ ...wait.filter, after: cursor, limit: 500 });
      cursor = batch.cursor;
      const found = firstMatchingEvent(batch.events, wait.match, false);
      if (found) return found;
      if (batch.events.length < 500) break;
    }
  }
}

/**
 * Wait for a stored event (see file header); resolves with it, or throws TIMEOUT.
 * @example const done = await waitForEvent({ name: "flow-run.Completed", resource: upstreamRunId, timeoutSeconds: 6 * 3600 });
 */
export async function waitForEvent(options: WaitForEventOptions): Promise<StoredEvent> {
  const { clock } = getEngineEffects();
  const nowMs = clock.now().getTime();
  const { wait, timeoutSeconds, pollMs, threshold } = compileWait(options, nowMs);
  const deadlineMs = nowMs + timeoutSeconds * 1000;
  const scope = runScopeStorage.getStore();
  const flow = currentFlowScope(scope);
  if (flow === null) throw new WeirError("BAD_REQUEST", "waitForEvent() must be called in a flow or a task run (it reads events through the run's client)");
  if (scope?.kind === "task") return pollForEvent(flow.client, options.name, wait, deadlineMs, pollMs, timeoutSeconds, scope.flow?.signal);
  const pause = compilePause("waitForEvent", { timeoutSeconds, ...(options.key === undefined ? {} : { key: options.key }) });
  const answered = await answeredPause(flow.client, flow.flowRunId, pause.key);
  if (answered !== undefined) {
    const matched = answered.details.matchedEvent as StoredEvent | undefined;
    if (matched) return matched;
    throw timeoutError(options.name, timeoutSeconds, answered.details.wokenAt ? "no matching event was stored" : "the run was resumed by hand before a matching event was stored");
  }
  if (timeoutSeconds <= threshold || flow.deploymentId === null) return pollForEvent(flow.client, options.name, wait, deadlineMs, pollMs, timeoutSeconds, flow.signal);
  const already = await storedMatch(flow.client, wait);
  if (already.event) return already.event;
  await Promise.allSettled([...flow.pendingTasks]);
  await flow.buffer.flush();
  const wakeAt = new Date(deadlineMs).toISOString();
  const suspended = makeState("Suspended", {
    now: clock.now(),
    scheduledTime: wakeAt,
    message: `waiting for event '${options.name}' until ${wakeAt}; resumes on a worker when it is stored`,
    details: { pauseKey: pause.key, wakeAt, waitFor: `event '${options.name}'`, waitForEvent: wait },
  });
  const decided = await flow.client.setFlowRunState(flow.flowRunId, { state: suspended, transitionId: suspended.id });
  if (decided.status !== "ACCEPT") throw new WeirError("CONFLICT", `${pause.owner} could not suspend to wait for an event: ${decided.reason ?? decided.status}`);
  throw new FlowRunSuspendedSignal(flow.flowRunId);
}
