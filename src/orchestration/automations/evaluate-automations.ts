/**
 * One evaluation pass over the enabled automations: each reads the stored events after its
 * cursor, steps its trigger (src/core/automations/trigger-evaluation.ts), and records what fired.
 *
 * Exactly once: an automation's new state, cursor and firings are written in one transaction
 * that first locks its row (`FOR UPDATE` on PostgreSQL; SQLite's write lock) and checks that the
 * cursor is still the one the events were read from; a firing is unique by automation + key; the
 * `automation.fired` event and the notification deliveries of a firing are written in that same
 * transaction. So with several servers (one leader, or two during a handover) a firing is
 * recorded, announced and notified once. The other actions run after commit
 * (run-automation-actions.ts).
 */
import type { Kysely } from "kysely";
import type { ActionSpec } from "../../core/automations/automation-actions.js";
import { isNotificationAction } from "../../core/automations/automation-actions.js";
import type { AutomationActionOutcome } from "../../core/automations/automation-models.js";
import type { TriggerSpec } from "../../core/automations/automation-spec.js";
import { proactiveDue, proactiveStep, reactiveStep, type AutomationEvent, type TriggerFiring, type TriggerState } from "../../core/automations/trigger-evaluation.js";
import type { NotificationAction } from "../../core/notification-actions.js";
import type { NotificationMessage } from "../../core/notification-deliveries.js";
import { fromJsonColumn, toJsonColumn } from "../../db/json-column.js";
import type { AutomationTable, DatabaseSchema } from "../../db/schema.js";
import { appendEvents } from "../append-events.js";
import { buildFlowRunNotificationMessage } from "../notifications/notification-message.js";
import { createNotificationOutbox, notificationSecretKey } from "../notifications/notification-outbox.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { readAutomationEvents } from "./automation-events.js";
import { unsealAction, type StoredAction } from "./automation-mapper.js";

/** Events one automation reads per pass (the next pass reads on). */
const EVENTS_PER_PASS = 500;

/** What a pass did. */
export interface EvaluationSummary {
  /** Firings recorded by this pass. */
  firings: { automationId: string; firingId: string; key: string }[];
}

interface Decision {
  state: TriggerState;
  firings: TriggerFiring[];
}

/** Step a trigger over a batch of events, then (proactive) over the time `now`. */
export function decide(trigger: TriggerSpec, state: TriggerState, events: readonly AutomationEvent[], now: Date): Decision {
  const firings: TriggerFiring[] = [];
  let current = state;
  for (const event of events) {
    if (trigger.posture === "reactive") {
      const step = reactiveStep(trigger, current, event);
      current = step.state;
      if (step.firing) firings.push(step.firing);
    } else current = proactiveStep(trigger, current, event);
  }
  if (trigger.posture === "proactive") {
    const due = proactiveDue(trigger, current, now);
    current = due.state;
    if (due.firing) firings.push(due.firing);
  }
  return { state: current, firings };
}

function proactiveMessage(automation: AutomationTable, firing: TriggerFiring, now: Date): NotificationMessage {
  const trigger = fromJsonColumn<TriggerSpec>(automation.trigger_spec);
  const about = Object.entries(trigger.match).map(([key, values]) => `${key} ${(values as string[]).join(" or ")}`).join(", ");
  return {
    title: `Automation '${automation.name}' fired: ${firing.reason}`,
    summary: [`Expected: ${trigger.expect.join(" or ")}${about ? ` of ${about}` : ""}`, `Within: ${trigger.within}s`, `Fired at: ${now.toISOString()}`].join("\n"),
    event: { id: null, name: "automation.fired", occurredAt: now.toISOString() },
    flowRun: null,
    flow: null,
    deployment: null,
    automation: { id: automation.id, name: automation.name },
    dashboardPath: "/automations",
  };
}

/** Record one firing in `trx`: the row, its `automation.fired` event, its notifications. Returns the firing id, or null when it was recorded before. */
async function recordFiring(ctx: OrchestrationContext, trx: Kysely<DatabaseSchema>, automation: AutomationTable, firing: TriggerFiring, now: Date): Promise<string | null> {
  const actions = fromJsonColumn<StoredAction[]>(automation.actions);
  const id = crypto.randomUUID();
  const flowRunId = firing.event?.resource.flowRunId ?? null;
  const inserted = await trx
    .insertInto("automation_firings")
    .values({
      id,
      automation_id: automation.id,
      firing_key: firing.key,
      fired_at: now.toISOString(),
      reason: firing.reason,
      event_id: firing.event?.id ?? null,
      event_name: firing.event?.name ?? null,
      flow_run_id: flowRunId,
      event: firing.event === null ? null : toJsonColumn(firing.event),
      actions: toJsonColumn(actions.map((action): AutomationActionOutcome => ({ type: action.type, status: "pending", detail: null }))),
      status: "pending",
    })
    .onConflict((oc) => oc.columns(["automation_id", "firing_key"]).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return null;
  const ref = { id: automation.id, name: automation.name };
  const message = flowRunId !== null
    ? await buildFlowRunNotificationMessage(trx, { flowRunId, eventName: firing.event?.name, eventId: firing.event?.id ?? null, occurredAt: firing.event?.occurredAt, automation: ref }).catch(() => proactiveMessage(automation, firing, now))
    : proactiveMessage(automation, firing, now);
  const outbox = createNotificationOutbox(ctx);
  const outcomes: AutomationActionOutcome[] = [];
  let isDone = true;
  const secretKey = notificationSecretKey(ctx);
  for (const [index, action] of actions.entries()) {
    if (isNotificationAction(action)) {
      // The secrets are unsealed only here, and sealed again at once by the outbox under the delivery's own context.
      let full: ActionSpec;
      try {
        full = unsealAction(action, automation.id, index, secretKey);
      } catch (error) {
        outcomes.push({ type: action.type, status: "failed", detail: error instanceof Error ? error.message.slice(0, 2000) : String(error) });
        continue;
      }
      const delivery = await outbox.enqueue({ action: full as NotificationAction, message, automationId: automation.id }, trx);
      outcomes.push({ type: action.type, status: "done", detail: `notification ${delivery.id} queued` });
    } else {
      outcomes.push({ type: action.type, status: "pending", detail: null });
      isDone = false;
    }
  }
  await trx.updateTable("automation_firings").set({ actions: toJsonColumn(outcomes), status: isDone ? "done" : "pending" }).where("id", "=", id).execute();
  await appendEvents(
    trx,
    [
      {
        event: "automation.fired",
        resource: { kind: "automation", id: automation.id, name: automation.name },
        related: flowRunId === null ? [] : [{ kind: "flow-run", id: flowRunId, name: firing.event?.resource.flowRunName ?? null }],
        payload: { firingId: id, key: firing.key, reason: firing.reason, triggeringEvent: firing.event === null ? null : { id: firing.event.id, name: firing.event.name } },
      },
    ],
    now,
  );
  return id;
}

/** Evaluate one automation (see file header); returns the ids of the firings it recorded. */
async function evaluateOne(ctx: OrchestrationContext, automationId: string, cursor: string | null, now: Date): Promise<{ firingId: string; key: string }[]> {
  const read = cursor === null ? null : await readAutomationEvents(ctx.database, cursor, EVENTS_PER_PASS);
  return ctx.database.writeTransaction(async (trx) => {
    let query = trx.selectFrom("automations").selectAll().where("id", "=", automationId);
    if (ctx.database.capabilities.supportsRowLocks) query = query.forUpdate();
    const row = await query.executeTakeFirst();
    // Changed meanwhile (another server's pass, a disable, a re-enable): the next pass reads again.
    if (!row || Number(row.is_enabled) !== 1 || row.event_cursor !== cursor) return [];
    const trigger = fromJsonColumn<TriggerSpec>(row.trigger_spec);
    const state = fromJsonColumn<TriggerState>(row.trigger_state);
    const decision = decide(trigger, state, read?.events ?? [], now);
    const recorded: { firingId: string; key: string }[] = [];
    for (const firing of decision.firings) {
      const firingId = await recordFiring(ctx, trx, row, firing, now);
      if (firingId !== null) recorded.push({ firingId, key: firing.key });
    }
    const nextCursor = read?.cursor ?? cursor;
    const stateText = toJsonColumn(decision.state);
    if (stateText !== row.trigger_state || nextCursor !== row.event_cursor) {
      await trx.updateTable("automations").set({ trigger_state: stateText, event_cursor: nextCursor }).where("id", "=", row.id).execute();
    }
    return recorded;
  });
}

/** One pass over every enabled automation at time `now`; an automation that fails is reported and the others go on. */
export async function evaluateAutomations(ctx: OrchestrationContext, now: Date, onError: (error: unknown) => void = () => {}): Promise<EvaluationSummary> {
  const enabled = await ctx.database.db.selectFrom("automations").select(["id", "event_cursor"]).where("is_enabled", "=", 1).orderBy("created_at").execute();
  const summary: EvaluationSummary = { firings: [] };
  for (const automation of enabled) {
    try {
      const recorded = await evaluateOne(ctx, automation.id, automation.event_cursor, now);
      summary.firings.push(...recorded.map((firing) => ({ automationId: automation.id, ...firing })));
    } catch (error) {
      onError(error);
    }
  }
  return summary;
}
