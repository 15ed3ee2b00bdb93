/**
 * Automations as the API returns them. Glossary:
 * - automation: a trigger and the actions it runs when it fires (automation-spec.ts);
 * - firing: one time a trigger fired, recorded once (unique key), with the outcome of each action;
 * - owner deployment: an automation declared under `triggers:` of a weir.yaml deployment, applied
 *   and replaced with that deployment, and deleted with it.
 */
import type { ActionSpec } from "./automation-actions.js";
import type { TriggerSpec } from "./automation-spec.js";

/** A stored automation. */
export interface Automation {
  id: string;
  name: string;
  description: string | null;
  isEnabled: boolean;
  trigger: TriggerSpec;
  actions: ActionSpec[];
  /** The deployment whose weir.yaml `triggers:` declared it, if any. */
  deploymentId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** The outcome of one action of a firing. */
export interface AutomationActionOutcome {
  type: ActionSpec["type"];
  status: "pending" | "done" | "failed";
  /** What was done (`created flow run …`, `notification queued`) or why it failed. */
  detail: string | null;
}

/** One time an automation fired. */
export interface AutomationFiring {
  id: string;
  automationId: string;
  /** Unique within the automation (the triggering event, or the start of the silence). */
  key: string;
  firedAt: string;
  reason: string;
  /** The event that fired a reactive trigger (its id and name), with the run it names. */
  eventId: string | null;
  eventName: string | null;
  flowRunId: string | null;
  actions: AutomationActionOutcome[];
}
