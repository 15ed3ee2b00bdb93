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

// An ISO-8601 time as the events API compares it (UTC, milliseconds); null when it is not a time.
function isoTime(text: string): string | null {
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

// Whether an event's name is one of `names` (exact, `prefix.*`, or `*`); none given: any name.
function matchesName(event: string, names: readonly string[]): boolean {
  if (names.length === 0 || names.includes("*")) return true;
  return names.some((name) => (name.endsWith("*") ? event.startsWith(name.slice(0, -1)) : event === name));
}

/**
 * Whether an event passes a stored-event filter as the events API applies it (names, resource,
 * related ids that are not tags, tags, `since` inclusive, `until` exclusive); a time that does
 * not parse matches nothing (the API refuses it).
 */
export function matchesEventFilter(event: StoredEvent, filter: StoredEventFilter): boolean {
  if (!matchesName(event.event, filter.events ?? [])) return false;
  if (filter.resourceId !== undefined && filter.resourceId !== null && event.resource.id !== filter.resourceId) return false;
  if (!(filter.related ?? []).every((id) => event.related.some((related) => related.kind !== "tag" && related.id === id))) return false;
  if (!(filter.tags ?? []).every((tag) => event.related.some((related) => related.kind === "tag" && related.id === tag))) return false;
  if (filter.since !== undefined && filter.since !== null) {
    const since = isoTime(filter.since);
    if (since === null || event.occurred < since) return false;
  }
  if (filter.until !== undefined && filter.until !== null) {
    const until = isoTime(filter.until);
    if (until === null || event.occurred >= until) return false;
  }
  return true;
}

/** Whether `event` is one `wait` waits for: it passes the wait's filter from the wait's `since` on, and its payload matches. */
export function matchesEventWait(event: StoredEvent, wait: EventWait): boolean {
  return matchesEventFilter(event, { ...wait.filter, since: wait.since }) && matchesPayload(event, wait.match ?? {});
}

/** The first event (oldest first) of `events` whose payload matches, or undefined. */
export function firstMatchingEvent(events: readonly StoredEvent[], match: Record<string, unknown>, isNewestFirst: boolean): StoredEvent | undefined {
  const ordered = isNewestFirst ? [...events].reverse() : events;
  return ordered.find((event) => matchesPayload(event, match));
}
