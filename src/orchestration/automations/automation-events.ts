/**
 * The stored events automations read (the events table of migration 013, owned by the events
 * area): the cursor of the newest one, and the events after a cursor as triggers see them.
 * PLACEHOLDER until h/events is merged.
 */
import type { Kysely } from "kysely";
import type { AutomationEvent } from "../../core/automations/trigger-evaluation.js";
import type { DatabaseSchema } from "../../db/schema.js";

/** The cursor of the newest stored event (null when there is none). */
export async function latestEventCursor(_db: Kysely<DatabaseSchema>): Promise<string | null> {
  return null;
}

/** Stored events after a cursor, oldest first, with the cursor of the last one. */
export async function readEventsAfter(_db: Kysely<DatabaseSchema>, cursor: string | null, _limit: number): Promise<{ events: AutomationEvent[]; cursor: string | null }> {
  return { events: [], cursor };
}
