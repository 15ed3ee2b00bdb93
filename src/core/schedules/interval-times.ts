/**
 * Slot times of an interval schedule: every `interval` seconds from an anchor date.
 *
 * - Slots are `anchor + k × interval` for every integer k (the anchor may lie in the past or the
 *   future), so the phase never drifts.
 * - An interval that is a whole number of days keeps the anchor's local wall-clock time across
 *   daylight-saving changes (a daily 09:00 stays 09:00), with the cron policy for local times that
 *   do not exist (skipped) or are ambiguous (first occurrence). Any other interval is a fixed
 *   duration in absolute time.
 * - The anchor is an ISO-8601 date; without an offset (`2026-01-01T09:00`) it is read as a local
 *   time in the schedule's time zone. Default anchor: `2020-01-01T00:00:00` local time.
 */
import { WALL_MS_PER_DAY, firstInstantOfWallTime, lenientInstantOfWallTime, wallTimeOf } from "./wall-time.js";

/** Anchor used when an interval schedule names none (local time in the schedule's zone). */
export const DEFAULT_INTERVAL_ANCHOR = "2020-01-01T00:00:00";

const LOCAL_ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?$/;

/** Parse an anchor date to an instant (ms) in a time zone, or null when it is not a date. */
export function parseAnchorDate(text: string, timeZone: string): number | null {
  if (typeof text !== "string") return null;
  const local = LOCAL_ISO.exec(text.trim());
  if (local) {
    const [, year, month, day, hour, minute, second, fraction] = local;
    const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0), Number((fraction ?? "0").padEnd(3, "0")));
    const check = new Date(wall);
    if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1) return null;
    return lenientInstantOfWallTime(wall, timeZone);
  }
  if (!/(?:Z|[+-]\d{2}:?\d{2})$/i.test(text.trim())) return null;
  const instant = Date.parse(text);
  return Number.isNaN(instant) ? null : instant;
}

/** Options of {@link intervalTimes}. */
export interface IntervalTimesOptions {
  intervalSeconds: number;
  anchorMs: number;
  timeZone: string;
  afterMs: number;
  untilMs?: number;
  count: number;
}

/** The next slots of an interval schedule, ascending, as epoch milliseconds. */
export function intervalTimes(options: IntervalTimesOptions): number[] {
  const { intervalSeconds, anchorMs, timeZone, afterMs, count } = options;
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const stepMs = intervalSeconds * 1000;
  const times: number[] = [];
  if (count <= 0) return times;
  const isWholeDays = stepMs % WALL_MS_PER_DAY === 0;
  if (!isWholeDays) {
    let k = Math.floor((afterMs - anchorMs) / stepMs);
    for (let slot = anchorMs + k * stepMs; times.length < count; slot = anchorMs + ++k * stepMs) {
      if (slot <= afterMs) continue;
      if (slot > untilMs) break;
      times.push(slot);
    }
    return times;
  }
  const anchorWall = wallTimeOf(anchorMs, timeZone);
  const afterWall = wallTimeOf(afterMs, timeZone);
  // Start one step early: an offset change can move the first slot across `afterMs`.
  let k = Math.floor((afterWall - anchorWall) / stepMs) - 1;
  for (let guard = 0; times.length < count && guard < count + 1000; guard++, k++) {
    const instant = firstInstantOfWallTime(anchorWall + k * stepMs, timeZone);
    if (instant === null || instant <= afterMs) continue;
    if (instant > untilMs) break;
    times.push(instant);
  }
  return times;
}
