/** Rows of `automations` and `automation_firings` (migration 015) as the API returns them. */
import type { Selectable } from "kysely";
import { isNotificationAction, type ActionSpec } from "../../core/automations/automation-actions.js";
import type { Automation, AutomationActionOutcome, AutomationFiring } from "../../core/automations/automation-models.js";
import type { TriggerSpec } from "../../core/automations/automation-spec.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { AutomationFiringTable, AutomationTable } from "../../db/schema.js";
import { keepRedactedSecrets, redactNotificationAction } from "../notifications/notification-secrets.js";

/** Actions as the API shows them: the secrets of notification actions (headers, chat webhook URLs, SMTP passwords) read `****`. */
export function redactedActions(actions: readonly ActionSpec[]): ActionSpec[] {
  return actions.map((action) => (isNotificationAction(action) ? redactNotificationAction(action) : action));
}

/** New actions where a secret sent back as `****` (as the API showed it) keeps the stored value of the action at the same place. */
export function keepStoredSecrets(next: readonly ActionSpec[], stored: readonly ActionSpec[]): ActionSpec[] {
  return next.map((action, index) => {
    const previous = stored[index];
    return isNotificationAction(action) && previous !== undefined && isNotificationAction(previous) ? keepRedactedSecrets(action, previous) : action;
  });
}

/** An automation row as the API returns it. */
export function automationFromRow(row: Selectable<AutomationTable>): Automation {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    isEnabled: Number(row.is_enabled) === 1,
    trigger: fromJsonColumn<TriggerSpec>(row.trigger_spec),
    actions: redactedActions(fromJsonColumn<ActionSpec[]>(row.actions)),
    deploymentId: row.deployment_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A firing row as the API returns it. */
export function firingFromRow(row: Selectable<AutomationFiringTable>): AutomationFiring {
  return {
    id: row.id,
    automationId: row.automation_id,
    key: row.firing_key,
    firedAt: row.fired_at,
    reason: row.reason,
    eventId: row.event_id,
    eventName: row.event_name,
    flowRunId: row.flow_run_id,
    actions: fromJsonColumn<AutomationActionOutcome[]>(row.actions),
  };
}
