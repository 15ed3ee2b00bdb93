/**
 * Reading the bounds of a backfill as people type them (CLI flags, dashboard fields). Apart from
 * src/core/backfills.ts so that the dashboard can use it without the schedule arithmetic.
 */

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2}))?$/i;
const ZONELESS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?$/i;

/**
 * A backfill bound typed by a person (CLI flag, dashboard field): an ISO-8601 date (midnight UTC)
 * or date and time with `Z` or an offset. A date and time without a zone is refused rather than
 * read in some machine's local zone.
 * @example parseBackfillTime("2026-11-01T08:00:00+07:00") // → { time: 2026-11-01T01:00:00.000Z }
 */
export function parseBackfillTime(text: string): { time: Date } | { problem: string } {
  const trimmed = text.trim();
  if (ZONELESS_TIME.test(trimmed)) return { problem: "has no time zone: add Z (UTC) or an offset such as +07:00" };
  const time = new Date(trimmed);
  if (!ISO_TIME.test(trimmed) || Number.isNaN(time.getTime())) return { problem: "is not an ISO-8601 time (e.g. 2026-11-01T00:00:00Z or 2026-11-01)" };
  return { time };
}
