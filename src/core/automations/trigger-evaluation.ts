/**
 * How a trigger decides to fire, as pure functions of (trigger, state, event or time). The
 * automations service stores each automation's `TriggerState` and calls these; tests drive them
 * with any clock.
 *
 * - Reactive: every event that matches is remembered while it is inside the window; when
 *   `threshold` of them fall within `within` seconds (or, with no window, at the `threshold`-th),
 *   the trigger fires on the last one and forgets them all.
 * - Proactive: the trigger is armed since some time (its creation or enabling, or the last
 *   expected event). An expected event re-arms it from that event's time. When `within` seconds
 *   pass with no expected event, it fires once and disarms until the next expected event.
 *
 * A firing has a key unique within its automation (the triggering event's id; the start of the
 * silence), so a firing recorded twice, by two servers or a retried tick, is recorded once.
 */
import type { TriggerSpec } from "./automation-spec.js";

/** The resources an event is about, as triggers match them. */
export interface AutomationEventResource {
  flowRunId?: string | null;
  flowRunName?: string | null;
  flow?: string | null;
  /** `flow/deployment`. */
  deployment?: string | null;
  deploymentId?: string | null;
  workPool?: string | null;
  tags?: readonly string[];
}

/** An event as triggers see it. */
export interface AutomationEvent {
  id: string;
  /** `flow-run.Failed`, `deployment.updated`, … */
  name: string;
  /** ISO time. */
  occurredAt: string;
  resource: AutomationEventResource;
}

/** What an automation remembers between evaluations. */
export interface TriggerState {
  /** Reactive: matched events still inside the window, oldest first. */
  recent: { id: string; occurredAt: string }[];
  /** Proactive: the start of the current silence; null once fired (disarmed until an expected event). */
  armedSince: string | null;
}

/** A decision to fire. */
export interface TriggerFiring {
  /** Unique within the automation (see file header). */
  key: string;
  /** The event that completed the threshold (reactive); null for a proactive firing. */
  event: AutomationEvent | null;
  /** Human-readable why, for the history and notifications. */
  reason: string;
}

/** The state of a trigger that starts now (created, enabled or re-applied). */
export function initialTriggerState(now: Date): TriggerState {
  return { recent: [], armedSince: now.toISOString() };
}

function nameMatches(patterns: readonly string[], name: string): boolean {
  return patterns.some((pattern) => pattern === "*" || pattern === name || (pattern.endsWith(".*") && name.startsWith(pattern.slice(0, -1))));
}

function anyOf(wanted: readonly string[] | undefined, ...values: (string | null | undefined)[]): boolean {
  if (!wanted) return true;
  return values.some((value) => value !== null && value !== undefined && wanted.includes(value));
}

/** Whether an event is one the trigger expects, about the resources it matches. */
export function eventMatchesTrigger(trigger: TriggerSpec, event: AutomationEvent): boolean {
  if (!nameMatches(trigger.expect, event.name)) return false;
  const { match } = trigger;
  const resource = event.resource;
  if (!anyOf(match.flow, resource.flow)) return false;
  if (!anyOf(match.deployment, resource.deployment, resource.deploymentId)) return false;
  if (!anyOf(match.workPool, resource.workPool)) return false;
  if (!anyOf(match.flowRun, resource.flowRunId)) return false;
  if (match.tags && !match.tags.every((tag) => resource.tags?.includes(tag))) return false;
  return true;
}

/** A reactive trigger takes one event (matching or not); returns its new state and a firing, if any. */
export function reactiveStep(trigger: TriggerSpec, state: TriggerState, event: AutomationEvent): { state: TriggerState; firing: TriggerFiring | null } {
  if (!eventMatchesTrigger(trigger, event)) return { state, firing: null };
  const at = Date.parse(event.occurredAt);
  const inWindow = trigger.within === 0 ? state.recent : state.recent.filter((seen) => at - Date.parse(seen.occurredAt) <= trigger.within * 1000);
  const recent = [...inWindow, { id: event.id, occurredAt: event.occurredAt }];
  if (recent.length < trigger.threshold) return { state: { ...state, recent }, firing: null };
  const reason = trigger.threshold === 1 ? `${event.name}` : `${recent.length} × ${trigger.expect.join("|")} within ${trigger.within}s (last: ${event.name})`;
  return { state: { ...state, recent: [] }, firing: { key: `event:${event.id}`, event, reason } };
}

/** A proactive trigger sees an event: an expected one re-arms it from the event's time. */
export function proactiveStep(trigger: TriggerSpec, state: TriggerState, event: AutomationEvent): TriggerState {
  if (!eventMatchesTrigger(trigger, event)) return state;
  if (state.armedSince !== null && Date.parse(state.armedSince) >= Date.parse(event.occurredAt)) return state;
  return { ...state, armedSince: event.occurredAt };
}

/** A proactive trigger at time `now`: fires (and disarms) when armed for `within` seconds or more. */
export function proactiveDue(trigger: TriggerSpec, state: TriggerState, now: Date): { state: TriggerState; firing: TriggerFiring | null } {
  if (state.armedSince === null) return { state, firing: null };
  const dueAt = Date.parse(state.armedSince) + trigger.within * 1000;
  if (now.getTime() < dueAt) return { state, firing: null };
  const reason = `no ${trigger.expect.join(" or ")} within ${trigger.within}s since ${state.armedSince}`;
  return { state: { ...state, armedSince: null }, firing: { key: `absent-since:${state.armedSince}`, event: null, reason } };
}

/** When a proactive trigger is next due (null when disarmed). */
export function proactiveDueAt(trigger: TriggerSpec, state: TriggerState): Date | null {
  return state.armedSince === null ? null : new Date(Date.parse(state.armedSince) + trigger.within * 1000);
}
