/**
 * Row types of stored events and what reacts to them: automations, their firings and the
 * notification outbox. Split out of src/db/schema.ts by area; that file assembles every table
 * into `DatabaseSchema`.
 * Column conventions (timestamps, JSON, booleans) are in the header of src/db/schema.ts.
 */
import type { Generated } from "kysely";
import type { JsonText } from "./json-text.js";

/**
 * Table `events` (migration 013): stored events, in `seq` order. `tx` is the writing transaction's
 * id on PostgreSQL (0 on SQLite), for followers (src/orchestration/event-query.ts).
 */
export interface EventTable {
  seq: Generated<number>;
  id: string;
  occurred: string;
  event: string;
  resource_id: string;
  resource_kind: string;
  resource_name: string | null;
  payload: JsonText;
  tx: Generated<string | number>;
}

/** Table `event_related` (migration 013): the related resources of an event, one row each. */
export interface EventRelatedTable {
  related_id: string;
  seq: number;
  kind: string;
  name: string | null;
}

/** Table `automations` (migration 015; unique by name). */
export interface AutomationTable {
  id: string;
  name: string;
  description: string | null;
  is_enabled: number;
  /** TriggerSpec JSON (canonical form). */
  trigger_spec: JsonText;
  /** ActionSpec[] JSON. */
  actions: JsonText;
  deployment_id: string | null;
  /** TriggerState JSON. */
  trigger_state: JsonText;
  /** The last stored event the trigger has seen. */
  event_cursor: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `automation_firings` (migration 015; unique by automation_id + firing_key). */
export interface AutomationFiringTable {
  id: string;
  automation_id: string;
  firing_key: string;
  fired_at: string;
  reason: string;
  event_id: string | null;
  event_name: string | null;
  flow_run_id: string | null;
  /** The triggering event (JSON), when there is one. */
  event: JsonText | null;
  /** AutomationActionOutcome[] JSON. */
  actions: JsonText;
  /** `pending` until the actions ran, then `done`. */
  status: string;
}

/** Table `notification_deliveries` (migration 014): the notification outbox (src/core/notification-deliveries.ts). */
export interface NotificationDeliveryTable {
  id: string;
  automation_id: string | null;
  action_type: string;
  target: string;
  /** The action with secrets redacted. */
  action: JsonText;
  /** The whole action, encrypted (null when it has no secret field). */
  sealed_action: string | null;
  message: JsonText;
  status: string;
  attempts: number;
  max_attempts: number;
  next_attempt_at: string | null;
  claimed_until: string | null;
  last_error: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
}
