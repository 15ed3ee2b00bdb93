/**
 * What `waitForEvent` waits for, shared by the SDK (which checks events itself while its process
 * waits) and the server (which resumes a suspended run when a matching event is stored): an
 * event name (or `prefix.*`), optional resource, related ids and tags (the stored-event filter),
 * and optional payload fields, each compared as JSON at its dotted path.
 */
import type { StoredEvent, StoredEventFilter } from "./events.js";

/** A wait as a Suspended state's `details.waitForEvent` stores it. */
export interface EventWait {
  filter: StoredEventFilter;
  /** Payload fields by dotted path (`state.name`, `rows`), each equal as JSON. */
  match: Record<string, unknown>;
  /** Events that occurred from this time on count (the wait's start minus its lookback). */
  since: string;
}

// JSON text with object keys sorted, so equal values compare equal.
function sortedJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) =>
      item === null || typeof item !== "object" || Array.isArray(item) ? item : Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    ) ?? "undefined"
  );
}

function valueAt(payload: Record<string, unknown>, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split(".")) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

/** Whether an event's payload holds every field of `match`. */
export function matchesPayload(event: Pick<StoredEvent, "payload">, match: Record<string, unknown>): boolean {
  return Object.entries(match).every(([path, wanted]) => sortedJson(valueAt(event.payload, path)) === sortedJson(wanted));
}

/** The first event (oldest first) of `events` whose payload matches, or undefined. */
export function firstMatchingEvent(events: readonly StoredEvent[], match: Record<string, unknown>, isNewestFirst: boolean): StoredEvent | undefined {
  const ordered = isNewestFirst ? [...events].reverse() : events;
  return ordered.find((event) => matchesPayload(event, match));
}
