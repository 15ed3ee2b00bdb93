/** Rows of `automations` and `automation_firings` (migration 015) as the API returns them. */
import type { Selectable } from "kysely";
import type { ActionSpec } from "../../core/automations/automation-actions.js";
import type { Automation, AutomationActionOutcome, AutomationFiring } from "../../core/automations/automation-models.js";
import type { TriggerSpec } from "../../core/automations/automation-spec.js";
import { fromJsonColumn } from "../../db/json-column.js";
import type { AutomationFiringTable, AutomationTable } from "../../db/schema.js";

/** An automation row as the API returns it. */
export function automationFromRow(row: Selectable<AutomationTable>): Automation {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    isEnabled: Number(row.is_enabled) === 1,
    trigger: fromJsonColumn<TriggerSpec>(row.trigger_spec),
    actions: fromJsonColumn<ActionSpec[]>(row.actions),
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
