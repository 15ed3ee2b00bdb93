/**
 * Stored events (issue 14, DESIGN §10): a durable, queryable record of what happened.
 *
 * Glossary:
 * - **event name** (`event`): `<resource kind>.<state name or verb>`, e.g. `flow-run.Failed`,
 *   `flow-run.Late`, `deployment.created`, `deployment.slot-skipped`, `work-pool.updated`,
 *   `worker.offline`, `automation.fired`. Names are case-sensitive.
 * - **resource**: the thing the event is about (`{ kind: "flow-run", id, name }`).
 * - **related**: other resources it concerns: the run's flow, deployment, work pool, parent run
 *   and tags (`{ kind: "tag", id: "prod" }`), so one can ask for "every event of deployment X".
 * - **cursor**: an opaque position in the event log. A listing (`listEvents`, newest first) hands
 *   out `nextCursor` for the next, older page; a follower (`readEventsAfter`, oldest first) hands
 *   out `cursor` to read what came after; see src/orchestration/event-query.ts.
 *
 * Not the live bus: `WeirEvent` (models.ts) is the in-process/SSE notification of a change and
 * is not stored; a `StoredEvent` is stored in the same transaction as the change it describes.
 */

/** A resource an event is about or relates to. */
export interface EventResource {
  /** `flow-run`, `flow`, `deployment`, `schedule`, `work-pool`, `work-queue`, `worker`, `tag`, `automation`, … */
  kind: string;
  /** Its id (work pools by name, work queues as `pool/queue`, tags by the tag itself). */
  id: string;
  name?: string | null;
}

/** A stored event. */
export interface StoredEvent {
  /** Unique id (for a flow-run state event: the state's id). */
  id: string;
  /** When it happened (ISO-8601 UTC). */
  occurred: string;
  /** Its name, `<resource kind>.<state name or verb>`. */
  event: string;
  resource: EventResource;
  related: EventResource[];
  /** Details (for a flow-run state: `{ state: { id, type, name, message } }`). */
  payload: Record<string, unknown>;
}

/** An event to store (`appendEvents`); `id` and `occurred` default to a new UUID and now. */
export interface NewEvent {
  id?: string;
  occurred?: string;
  event: string;
  resource: EventResource;
  related?: EventResource[];
  payload?: Record<string, unknown>;
}

/** Which events to read. Every given condition must hold. */
export interface StoredEventFilter {
  /** Event names; `flow-run.*` matches every name starting with `flow-run.`. Any one may match. */
  events?: string[];
  /** The id of the resource the event is about. */
  resourceId?: string;
  /** Ids of related resources (flow, deployment, work pool, parent run…; not tags); each must be related. */
  related?: string[];
  /** Tags; each must be among the event's related tags. */
  tags?: string[];
  /** Occurred at or after this time (ISO-8601). */
  since?: string;
  /** Occurred before this time (ISO-8601). */
  until?: string;
}

/** A listing request: a filter, a page size and the cursor of the previous page. */
export interface ListEventsInput extends StoredEventFilter {
  /** @default 50 (at most 1000) */
  limit?: number;
  /** The `nextCursor` of the previous page. */
  cursor?: string | null;
}

/** A page of events, newest first. */
export interface EventPage {
  events: StoredEvent[];
  /** The cursor of the next (older) page; null on the last page. */
  nextCursor: string | null;
  /**
   * Where to start following new events (`readEventsAfter`) from this listing on: events
   * written after it (and some written just before, still committing) come after this cursor.
   */
  followCursor: string;
}

/** A follow request: events after `after`, oldest first. */
export interface ReadEventsAfterInput extends StoredEventFilter {
  /** A `followCursor` or `cursor` from before; omitted: start now (nothing older is returned). */
  after?: string | null;
  /** @default 50 (at most 1000) */
  limit?: number;
}

/** Events after a cursor, oldest first, and the cursor to read the next ones. */
export interface EventBatch {
  events: StoredEvent[];
  /** Pass as `after` next time (never null: an empty batch returns the position it reached). */
  cursor: string;
}

/** Longest event name. */
export const MAX_EVENT_NAME_LENGTH = 200;

/** An event name: `<kind>.<name>`, no spaces, at most MAX_EVENT_NAME_LENGTH characters. */
export const EVENT_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]*\.[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/**
 * Check an event-name filter: a name, a prefix ending in `*` (`flow-run.*`), or `*` alone; the
 * problem in words, or null when it is valid.
 */
export function eventNameFilterProblem(filter: string): string | null {
  if (filter.length === 0) return "must not be empty";
  if (filter.length > MAX_EVENT_NAME_LENGTH) return `must be at most ${MAX_EVENT_NAME_LENGTH} characters`;
  if ([...filter].some((char) => char.charCodeAt(0) < 0x20)) return "must not contain control characters";
  if (filter.indexOf("*") !== -1 && filter.indexOf("*") !== filter.length - 1) return "may contain `*` only at its end (a prefix such as `flow-run.*`)";
  return null;
}
