/** Rows of `automations` and `automation_firings` (migration 015) as the API returns them. */
import type { Selectable } from "kysely";
import { isNotificationAction, type ActionSpec } from "../../core/automations/automation-actions.js";
import type { Automation, AutomationActionOutcome, AutomationFiring } from "../../core/automations/automation-models.js";
import type { TriggerSpec } from "../../core/automations/automation-spec.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { AutomationFiringTable, AutomationTable } from "../../db/schema.js";
import { keepRedactedSecrets, redactNotificationAction, sealNotificationAction, unsealNotificationAction } from "../notifications/notification-secrets.js";
import type { SecretKeySource } from "../secret-key-source.js";

/**
 * An action as stored in `automations.actions`: a notification action with secrets is kept
 * redacted (`****` in place of each secret) with the whole action sealed under the server key
 * (WEIR_SECRET_KEY, notification-secrets.ts) in `$sealed`, so the row holds no secret in clear.
 * Rows written before sealing hold the action in clear, without `$sealed`; they read the same,
 * and the automations service seals them when it starts (seal-clear-automation-actions.ts).
 */
export type StoredAction = ActionSpec & { $sealed?: string };

/** The authenticated-data context of an automation's sealed action: it opens only at its place. */
export function automationSealContext(automationId: string, index: number): string {
  return `automation:${automationId}:${index}`;
}

/** Actions to store (see StoredAction); CONFLICT when one has secrets and no server key is set. */
export function sealActions(actions: readonly ActionSpec[], automationId: string, secretKey: SecretKeySource): StoredAction[] {
  return actions.map((action, index) => {
    if (!isNotificationAction(action)) return action;
    const { redacted, sealed } = sealNotificationAction(action, secretKey, automationSealContext(automationId, index));
    return sealed === null ? redacted : { ...redacted, $sealed: sealed };
  });
}

/** One stored action in full (its secrets unsealed): only the automation service needs this, to enqueue. */
export function unsealAction(stored: StoredAction, automationId: string, index: number, secretKey: SecretKeySource): ActionSpec {
  const { $sealed, ...action } = stored;
  if ($sealed === undefined || !isNotificationAction(action)) return action;
  return unsealNotificationAction({ redacted: action, sealed: $sealed }, secretKey, automationSealContext(automationId, index));
}

/** Every stored action in full (see unsealAction). */
export function unsealActions(stored: readonly StoredAction[], automationId: string, secretKey: SecretKeySource): ActionSpec[] {
  return stored.map((action, index) => unsealAction(action, automationId, index, secretKey));
}

/** Stored actions without their sealed forms (secrets redacted). */
export function storedActionsView(stored: readonly StoredAction[]): ActionSpec[] {
  return stored.map(({ $sealed: _sealed, ...action }) => action);
}

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
    actions: redactedActions(storedActionsView(fromJsonColumn<StoredAction[]>(row.actions))),
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
