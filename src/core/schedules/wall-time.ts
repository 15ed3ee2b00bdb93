/**
 * Wall-clock time in an IANA time zone, computed with `Intl.DateTimeFormat` (no IO, no tz data
 * of our own).
 *
 * A *wall time* is represented as the number of milliseconds that `Date.UTC(y, m, d, H, M, S)`
 * gives for the local calendar fields, so calendar arithmetic on it is plain addition. Converting
 * a wall time back to an instant has three outcomes: one instant (normal), none (the local time
 * does not exist: the clocks jumped over it), or two (the local time is ambiguous: the clocks went
 * back and it happened twice), returned in order.
 */
const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterOf(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall time (see file header) that an instant shows in a time zone. */
export function wallTimeOf(instantMs: number, timeZone: string): number {
  const wholeSecondMs = Math.floor(instantMs / 1000) * 1000;
  const fields: Record<string, number> = {};
  let isBeforeCommonEra = false;
  for (const part of formatterOf(timeZone).formatToParts(new Date(wholeSecondMs))) {
    if (part.type === "era") isBeforeCommonEra = part.value.startsWith("B");
    else if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const year = isBeforeCommonEra ? 1 - (fields.year ?? 0) : (fields.year ?? 0);
  const wall = Date.UTC(year, (fields.month ?? 1) - 1, fields.day ?? 1, fields.hour ?? 0, fields.minute ?? 0, fields.second ?? 0);
  // Date.UTC maps years 0–99 to 1900–1999; those are far outside any schedule, so ignore them.
  return wall + (instantMs - wholeSecondMs);
}

/** The offset of a time zone from UTC at an instant, in milliseconds (wall minus instant). */
export function offsetAt(instantMs: number, timeZone: string): number {
  return wallTimeOf(instantMs, timeZone) - instantMs;
}

/**
 * The instants at which a time zone shows a wall time, earliest first: `[]` when the local time
 * does not exist (skipped by a forward clock change), two when it is ambiguous.
 */
export function instantsOfWallTime(wallMs: number, timeZone: string): number[] {
  const before = offsetAt(wallMs - MS_PER_DAY, timeZone);
  const after = offsetAt(wallMs + MS_PER_DAY, timeZone);
  const offsets = before === after ? [before] : [before, after, offsetAt(wallMs, timeZone)];
  const instants = new Set<number>();
  for (const offset of offsets) {
    const instant = wallMs - offset;
    if (wallTimeOf(instant, timeZone) === wallMs) instants.add(instant);
  }
  return [...instants].sort((a, b) => a - b);
}

/**
 * The instant of a wall time under Weir's policy: the first occurrence of an ambiguous local time,
 * or null for a local time that does not exist.
 */
export function firstInstantOfWallTime(wallMs: number, timeZone: string): number | null {
  return instantsOfWallTime(wallMs, timeZone)[0] ?? null;
}

/** The instant of a wall time, shifting a non-existent local time forward by the size of the gap (for anchors). */
export function lenientInstantOfWallTime(wallMs: number, timeZone: string): number {
  const first = firstInstantOfWallTime(wallMs, timeZone);
  return first ?? wallMs - offsetAt(wallMs - MS_PER_DAY, timeZone);
}

/** Milliseconds in a day of wall time. */
export const WALL_MS_PER_DAY = MS_PER_DAY;
