/**
 * Store events inside the caller's write transaction, so an event exists exactly when the change
 * it describes was committed. Flow-run state events need no call: a trigger writes them with each
 * state (migration 013). Everything else (deployments, schedules, work pools and queues, workers,
 * skipped slots, automations) calls `appendEvents` in the transaction of its change.
 */
import type { Kysely } from "kysely";
import { EVENT_NAME_PATTERN, MAX_EVENT_NAME_LENGTH, type EventResource, type NewEvent } from "../core/events.js";
import { toJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema } from "../db/schema.js";

type Trx = Kysely<DatabaseSchema>;

/** The `flow-run`, `deployment` … part of an event name. */
export function eventKindOf(name: string): string {
  return name.slice(0, name.indexOf("."));
}

// Names come from Weir's own code, so a bad one is a bug, not bad input.
function checkEventName(name: string): void {
  if (name.length > MAX_EVENT_NAME_LENGTH || !EVENT_NAME_PATTERN.test(name)) {
    throw new Error(`event name "${name}" is not <kind>.<name> (letters, digits, '-', '_', '.')`);
  }
}

// One row per (related id, kind): the primary key of `event_related`.
function distinctRelated(related: readonly EventResource[]): EventResource[] {
  const seen = new Set<string>();
  return related.filter((resource) => {
    const key = `${resource.kind}\u0000${resource.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Append events in `trx` (a write transaction), in order; returns their ids.
 * @example await appendEvents(trx, [{ event: "deployment.created", resource: { kind: "deployment", id, name } }], now)
 */
export async function appendEvents(trx: Trx, events: readonly NewEvent[], now: Date): Promise<string[]> {
  const ids: string[] = [];
  for (const event of events) {
    checkEventName(event.event);
    const id = event.id ?? crypto.randomUUID();
    const inserted = await trx
      .insertInto("events")
      .values({
        id,
        occurred: event.occurred ?? now.toISOString(),
        event: event.event,
        resource_id: event.resource.id,
        resource_kind: event.resource.kind,
        resource_name: event.resource.name ?? null,
        payload: toJsonColumn(event.payload ?? {}),
      })
      .returning("seq")
      .executeTakeFirstOrThrow();
    const related = distinctRelated(event.related ?? []);
    if (related.length > 0) {
      await trx
        .insertInto("event_related")
        .values(related.map((resource) => ({ related_id: resource.id, seq: Number(inserted.seq), kind: resource.kind, name: resource.name ?? null })))
        .execute();
    }
    ids.push(id);
  }
  return ids;
}
