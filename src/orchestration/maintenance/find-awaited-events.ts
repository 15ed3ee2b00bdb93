/**
 * The first stored event each suspended `waitForEvent` wait waits for, found for many waits with
 * a bounded number of queries: one scan, oldest first from the oldest wait's `since`, of the
 * events about a resource some wait names or named as some wait (without a resource) wants,
 * each matched in memory against every wait still open (src/core/event-wait.ts). A wait gets
 * the first event, in `seq` order, that passes its filter from its own `since` and matches its
 * payload fields. The scan reads at most `maxPages` pages a pass; waits it leaves open
 * because it stopped there are each looked up on their own, as before the scan existed.
 */
import { matchesEventWait, firstMatchingEvent, type EventWait } from "../../core/event-wait.js";
import type { StoredEvent } from "../../core/events.js";
import type { WeirDatabase } from "../../db/weir-database.js";
import { listEvents, scanEvents } from "../event-query.js";

/** How much one scan reads. */
export interface AwaitedEventScanOptions {
  /** Events per query. @default 1000 */
  pageSize?: number;
  /** Queries per scan at most; waits left open then are looked up one by one. @default 10 */
  maxPages?: number;
}

// The oldest `since` of the waits (ISO-8601 UTC), or null when none has a valid one.
function oldestSince(waits: readonly EventWait[]): string | null {
  const times = waits.map((wait) => Date.parse(wait.since)).filter((ms) => !Number.isNaN(ms));
  return times.length === 0 ? null : new Date(Math.min(...times)).toISOString();
}

/** The first awaited event of each wait (see file header), in the order of `waits`; undefined where none is stored yet. */
export async function findAwaitedEvents(database: WeirDatabase, waits: readonly EventWait[], options: AwaitedEventScanOptions = {}): Promise<Array<StoredEvent | undefined>> {
  const pageSize = options.pageSize ?? 1000;
  const maxPages = options.maxPages ?? 10;
  const found: Array<StoredEvent | undefined> = waits.map(() => undefined);
  const since = oldestSince(waits);
  if (since === null) return found;
  const resourceIds = new Set<string>();
  const names = new Set<string>();
  for (const wait of waits) {
    if (typeof wait.filter.resourceId === "string") resourceIds.add(wait.filter.resourceId);
    else for (const name of wait.filter.events?.length ? wait.filter.events : ["*"]) names.add(name);
  }
  let open = waits.length;
  let afterSeq = 0;
  for (let page = 0; page < maxPages; page++) {
    const { events, lastSeq } = await scanEvents(database, { since, resourceIds: [...resourceIds], names: [...names], afterSeq, limit: pageSize });
    for (const event of events) {
      waits.forEach((wait, index) => {
        if (found[index] === undefined && matchesEventWait(event, wait)) {
          found[index] = event;
          open--;
        }
      });
    }
    if (open === 0 || events.length < pageSize || lastSeq === null) return found;
    afterSeq = lastSeq;
  }
  // The scan stopped at its page bound: the waits still open are looked up one by one.
  for (const [index, wait] of waits.entries()) {
    if (found[index] !== undefined || Number.isNaN(Date.parse(wait.since))) continue;
    const page = await listEvents(database, { ...wait.filter, since: wait.since, limit: 1000 });
    found[index] = firstMatchingEvent(page.events, wait.match ?? {}, true);
  }
  return found;
}
