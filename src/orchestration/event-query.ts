/**
 * Reading stored events: a listing (newest first, paged by cursor) and a follower's read (events
 * after a cursor, oldest first).
 *
 * Why a follower's cursor is not just `seq`: on PostgreSQL two transactions may take `seq` 10
 * and 11 and commit in the other order; a reader that saw 11 and moved past it would never see
 * 10. So a follower reads in `(tx, seq)` order (`tx`: the writing transaction's id) and only
 * events of transactions older than every transaction still running
 * (`pg_snapshot_xmin(pg_current_snapshot())`, read before the events): those are all committed
 * or gone, and any later transaction has a larger `tx`. An event therefore reaches a follower
 * once every transaction that started before it ended; it is never skipped and never repeated.
 * SQLite has one writer at a time, so `seq` order is commit order and `tx` is always 0; the bound
 * there is the largest `seq` (also read before the events).
 */
import { sql, type Expression, type ExpressionBuilder, type Kysely, type SelectQueryBuilder, type SqlBool } from "kysely";
import type { EventBatch, EventPage, EventResource, ListEventsInput, ReadEventsAfterInput, StoredEvent, StoredEventFilter } from "../core/events.js";
import { eventNameFilterProblem } from "../core/events.js";
import { MAX_NAME_LENGTH, isWithinLength } from "../core/input-limits.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, EventTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { checkName, invalid } from "./input-checks.js";
import { DEFAULT_PAGE_LIMIT, MAX_PAGE_LIMIT } from "./page-cursor.js";

type Db = Kysely<DatabaseSchema>;
type EventQuery = SelectQueryBuilder<DatabaseSchema & { e: EventTable }, "e", object>;
type EventExpressions = ExpressionBuilder<DatabaseSchema & { e: EventTable }, "e">;

/** Most names, related ids or tags one filter may give. */
export const MAX_EVENT_FILTER_VALUES = 50;

/** A validated filter. */
interface CompiledEventFilter {
  exactNames: string[];
  prefixes: string[];
  /** `*` given: every name. */
  isAnyName: boolean;
  resourceId: string | null;
  related: string[];
  tags: string[];
  since: string | null;
  until: string | null;
}

/** A follower's position: `(tx, seq)`; on SQLite `tx` is "0". */
interface FollowPosition {
  tx: string;
  seq: number;
}

function checkList(values: unknown, field: string): string[] {
  if (values === undefined || values === null) return [];
  if (!Array.isArray(values)) invalid(field, "must be a list of strings");
  if (values.length > MAX_EVENT_FILTER_VALUES) invalid(field, `may give at most ${MAX_EVENT_FILTER_VALUES} values`);
  // Any string matches or not; only its type and length are checked (a blank one matches nothing).
  return values.map((value, index) => {
    if (typeof value !== "string") invalid(`${field}[${index}]`, "must be a string");
    if (!isWithinLength(value, MAX_NAME_LENGTH)) invalid(`${field}[${index}]`, `must be at most ${MAX_NAME_LENGTH} characters`);
    return value;
  });
}

function checkTime(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || Number.isNaN(Date.parse(value))) invalid(field, "must be an ISO-8601 date-time (e.g. 2026-01-31T12:00:00Z)");
  return new Date(value).toISOString();
}

/** Validate a filter (every problem names its field). */
export function compileEventFilter(filter: StoredEventFilter): CompiledEventFilter {
  const names = checkList(filter.events, "events");
  names.forEach((name, index) => {
    const problem = eventNameFilterProblem(name);
    if (problem !== null) invalid(`events[${index}]`, problem);
  });
  return {
    exactNames: names.filter((name) => !name.endsWith("*")),
    prefixes: names.filter((name) => name.endsWith("*") && name !== "*").map((name) => name.slice(0, -1)),
    isAnyName: names.includes("*"),
    resourceId: filter.resourceId === undefined || filter.resourceId === null ? null : checkName(filter.resourceId, "resourceId"),
    related: checkList(filter.related, "related"),
    tags: checkList(filter.tags, "tags"),
    since: checkTime(filter.since, "since"),
    until: checkTime(filter.until, "until"),
  };
}

function checkLimit(limit: unknown): number {
  const value = limit ?? DEFAULT_PAGE_LIMIT;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1 || value > MAX_PAGE_LIMIT) invalid("limit", `must be an integer from 1 to ${MAX_PAGE_LIMIT}`);
  return value;
}

// The conditions, any one of which an event's name meets: one of `exactNames`, or starting with one of `prefixes`.
function eventNameConditions(eb: EventExpressions, exactNames: readonly string[], prefixes: readonly string[]): Expression<SqlBool>[] {
  return [
    ...(exactNames.length > 0 ? [eb("e.event", "in", [...exactNames])] : []),
    // A range, not LIKE (SQLite's LIKE ignores case; `_` and `%` would need escaping).
    ...prefixes.map((prefix) => eb.and([eb("e.event", ">=", prefix), eb("e.event", "<", `${prefix}\u{10FFFF}`)])),
  ];
}

function applyFilter(query: EventQuery, filter: CompiledEventFilter): EventQuery {
  let next = query;
  if (!filter.isAnyName && (filter.exactNames.length > 0 || filter.prefixes.length > 0)) {
    next = next.where((eb) => eb.or(eventNameConditions(eb, filter.exactNames, filter.prefixes)));
  }
  if (filter.resourceId !== null) next = next.where("e.resource_id", "=", filter.resourceId);
  for (const id of filter.related) {
    next = next.where((eb) =>
      eb.exists(eb.selectFrom("event_related as r").select("r.seq").where("r.related_id", "=", id).whereRef("r.seq", "=", "e.seq").where("r.kind", "<>", "tag")),
    );
  }
  for (const tag of filter.tags) {
    next = next.where((eb) =>
      eb.exists(eb.selectFrom("event_related as r").select("r.seq").where("r.related_id", "=", tag).whereRef("r.seq", "=", "e.seq").where("r.kind", "=", "tag")),
    );
  }
  if (filter.since !== null) next = next.where("e.occurred", ">=", filter.since);
  if (filter.until !== null) next = next.where("e.occurred", "<", filter.until);
  return next;
}

// Related resources are listed in this order of kinds, then by id.
const KIND_ORDER = ["flow", "deployment", "schedule", "work-pool", "work-queue", "worker", "flow-run", "automation"];
const kindRank = (kind: string): number => (kind === "tag" ? 1000 : KIND_ORDER.indexOf(kind) === -1 ? 500 : KIND_ORDER.indexOf(kind));

async function toStoredEvents(db: Db, rows: Array<Pick<EventTable, "id" | "occurred" | "event" | "resource_id" | "resource_kind" | "resource_name" | "payload"> & { seq: number }>): Promise<StoredEvent[]> {
  const related = new Map<number, EventResource[]>();
  if (rows.length > 0) {
    const relatedRows = await db.selectFrom("event_related").selectAll().where("seq", "in", rows.map((row) => Number(row.seq))).execute();
    for (const row of relatedRows) {
      const list = related.get(Number(row.seq)) ?? [];
      list.push({ kind: row.kind, id: row.related_id, name: row.name });
      related.set(Number(row.seq), list);
    }
  }
  return rows.map((row) => ({
    id: row.id,
    occurred: row.occurred,
    event: row.event,
    resource: { kind: row.resource_kind, id: row.resource_id, name: row.resource_name },
    related: (related.get(Number(row.seq)) ?? []).sort((a, b) => kindRank(a.kind) - kindRank(b.kind) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    payload: fromJsonColumn<Record<string, unknown>>(row.payload),
  }));
}

const EVENT_COLUMNS = ["e.seq", "e.id", "e.occurred", "e.event", "e.resource_id", "e.resource_kind", "e.resource_name", "e.payload"] as const;

function encodeCursor(value: object): string {
  return Buffer.from(JSON.stringify(value), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, field: string): Record<string, unknown> {
  try {
    const value = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")) as unknown;
    if (typeof value === "object" && value !== null) return value as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  invalid(field, "is not a cursor returned by this API");
}

function decodeListCursor(cursor: string): number {
  const value = decodeCursor(cursor, "cursor");
  if (value.k !== "list" || typeof value.s !== "number" || !Number.isSafeInteger(value.s)) invalid("cursor", "is not a cursor of the events listing");
  return value.s;
}

function decodeFollowCursor(cursor: string): FollowPosition {
  const value = decodeCursor(cursor, "after");
  if (value.k !== "follow" || typeof value.t !== "string" || !/^\d{1,20}$/.test(value.t) || typeof value.s !== "number" || !Number.isSafeInteger(value.s)) {
    invalid("after", "is not a follow cursor of the events API (`followCursor` or `cursor`)");
  }
  return { tx: value.t, seq: value.s };
}

const encodeFollowCursor = (position: FollowPosition): string => encodeCursor({ k: "follow", t: position.tx, s: position.seq });

/**
 * The position up to which every event is final: on PostgreSQL the oldest running
 * transaction's id (events of older ones are all committed or gone), on SQLite the last `seq`.
 */
async function readFollowBound(database: WeirDatabase): Promise<FollowPosition> {
  if (database.dialect === "postgres") {
    const { rows } = await sql<{ xmin: string }>`select pg_snapshot_xmin(pg_current_snapshot())::text as xmin`.execute(database.db);
    return { tx: rows[0]?.xmin ?? "0", seq: 0 };
  }
  const row = await database.db.selectFrom("events").select((eb) => eb.fn.max("seq").as("seq")).executeTakeFirst();
  return { tx: "0", seq: Number(row?.seq ?? 0) };
}

const isAfter = (a: FollowPosition, b: FollowPosition): boolean => (BigInt(a.tx) === BigInt(b.tx) ? a.seq > b.seq : BigInt(a.tx) > BigInt(b.tx));

/** A page of events matching `input`, newest first. */
export async function listEvents(database: WeirDatabase, input: ListEventsInput = {}): Promise<EventPage> {
  const filter = compileEventFilter(input);
  const limit = checkLimit(input.limit);
  const before = input.cursor === undefined || input.cursor === null || input.cursor === "" ? null : decodeListCursor(input.cursor);
  const bound = await readFollowBound(database);
  let query = applyFilter(database.db.selectFrom("events as e").select(EVENT_COLUMNS), filter);
  if (before !== null) query = query.where("e.seq", "<", before);
  const rows = (await query.orderBy("e.seq", "desc").limit(limit + 1).execute()) as unknown as Array<EventTable & { seq: number }>;
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return {
    events: await toStoredEvents(database.db, pageRows),
    nextCursor: hasMore && last !== undefined ? encodeCursor({ k: "list", s: Number(last.seq) }) : null,
    followCursor: encodeFollowCursor(bound),
  };
}

/** The events matching `input` written after its `after` cursor (or from now on), oldest first. */
export async function readEventsAfter(database: WeirDatabase, input: ReadEventsAfterInput = {}): Promise<EventBatch> {
  const filter = compileEventFilter(input);
  const limit = checkLimit(input.limit);
  const after = input.after === undefined || input.after === null || input.after === "" ? null : decodeFollowCursor(input.after);
  const bound = await readFollowBound(database);
  if (after === null) return { events: [], cursor: encodeFollowCursor(bound) };
  let query = applyFilter(database.db.selectFrom("events as e").select(EVENT_COLUMNS).select(sql<string>`e.tx`.as("tx")), filter);
  if (database.dialect === "postgres") {
    query = query
      .where(sql<boolean>`(e.tx, e.seq) > (cast(${after.tx} as xid8), ${after.seq})`)
      .where(sql<boolean>`e.tx < cast(${bound.tx} as xid8)`)
      .orderBy(sql`e.tx`)
      .orderBy("e.seq");
  } else {
    query = query.where("e.seq", ">", after.seq).where("e.seq", "<=", bound.seq).orderBy("e.seq");
  }
  const rows = (await query.limit(limit).execute()) as unknown as Array<EventTable & { seq: number; tx: string | number }>;
  const last = rows[rows.length - 1];
  let next: FollowPosition = after;
  if (rows.length === limit && last !== undefined) next = { tx: String(last.tx), seq: Number(last.seq) };
  // A short batch read everything up to the bound.
  else if (isAfter(bound, after)) next = bound;
  return { events: await toStoredEvents(database.db, rows), cursor: encodeFollowCursor(next) };
}

/** What {@link scanEvents} reads (see there). */
export interface EventScanInput {
  /** Events that occurred at or after this time (ISO-8601 UTC). */
  since: string;
  /** Events about one of these resources… */
  resourceIds: readonly string[];
  /** …or named by one of these (exact, `prefix.*`, or `*` for any). */
  names: readonly string[];
  /** After this `seq` (0: from the first). */
  afterSeq: number;
  limit: number;
}

/**
 * Events for matching in memory against many filters at once (the suspended `waitForEvent`
 * runs): those that occurred from `since` on and are about one of `resourceIds` or named by one
 * of `names`, oldest first by `seq`, with the `seq` of the last to continue after. No filter's
 * limits apply: the caller builds the input from filters already checked.
 */
export async function scanEvents(database: WeirDatabase, input: EventScanInput): Promise<{ events: StoredEvent[]; lastSeq: number | null }> {
  const isAnyName = input.names.includes("*");
  const exactNames = input.names.filter((name) => !name.endsWith("*"));
  const prefixes = input.names.filter((name) => name.endsWith("*") && name !== "*").map((name) => name.slice(0, -1));
  let query = database.db.selectFrom("events as e").select(EVENT_COLUMNS).where("e.occurred", ">=", input.since).where("e.seq", ">", input.afterSeq);
  if (!isAnyName) {
    query = query.where((eb) => eb.or([...(input.resourceIds.length > 0 ? [eb("e.resource_id", "in", [...input.resourceIds])] : []), ...eventNameConditions(eb, exactNames, prefixes)]));
  }
  const rows = (await query.orderBy("e.seq").limit(input.limit).execute()) as unknown as Array<EventTable & { seq: number }>;
  const last = rows[rows.length - 1];
  return { events: await toStoredEvents(database.db, rows), lastSeq: last === undefined ? null : Number(last.seq) };
}
