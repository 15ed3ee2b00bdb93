/**
 * Slot times of a cron expression in a time zone.
 *
 * Croner finds the matching local wall-clock times (cron-expression.ts); this file places each
 * one in the zone under Weir's daylight-saving policy, which is not croner's:
 * - a local time that does not exist (inside a forward jump, e.g. 02:30 on the spring-forward
 *   night in New York) is skipped: that slot has no run that day (croner runs a fixed-time job
 *   just after the gap);
 * - an ambiguous local time (inside a backward jump, e.g. 01:30 on the fall-back night) fires
 *   once, at its first occurrence (croner fires an interval job such as `*\/15 * * * *` twice);
 * so no slot ever fires twice and none is skipped except a local time that does not exist.
 */
import { nextCronWallTime, type CronExpression } from "./cron-expression.js";
import { firstInstantOfWallTime, wallTimeOf } from "./wall-time.js";

/** The largest offset of any time zone from UTC (+14:00, Kiribati), in ms. */
const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;

/** Options of {@link cronTimes}. */
export interface CronTimesOptions {
  timeZone: string;
  /** Slots strictly after this instant (ms). */
  afterMs: number;
  /** Slots at or before this instant (ms); default no bound. */
  untilMs?: number;
  /** At most this many slots. */
  count: number;
  /** @default true */
  dayOr?: boolean;
}

/** The next slots of a cron expression, in ascending order, as epoch milliseconds. */
export function cronTimes(expression: CronExpression, options: CronTimesOptions): number[] {
  const { timeZone, afterMs, count } = options;
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const dayOr = options.dayOr ?? true;
  const times: number[] = [];
  if (count <= 0) return times;
  // Any slot after `afterMs` has a wall time at or after the wall time of `afterMs`, except the
  // second occurrence of an ambiguous time, which the policy never fires (see header).
  let wall: number | null = Math.floor(wallTimeOf(afterMs, timeZone) / 1000) * 1000 - 1000;
  while ((wall = nextCronWallTime(expression, wall, dayOr)) !== null) {
    // No zone shows a wall time this far ahead of the bound before the bound.
    if (wall - MAX_ZONE_OFFSET_MS > untilMs) return times;
    const instant = firstInstantOfWallTime(wall, timeZone);
    if (instant === null || instant <= afterMs) continue;
    if (instant > untilMs) return times;
    if (times.length === 0 || instant > (times[times.length - 1] ?? 0)) times.push(instant);
    if (times.length >= count) return times;
  }
  return times;
}
