/**
 * Slot times of a cron expression in a time zone.
 *
 * The expression is evaluated on local wall-clock time, day by day. Daylight-saving policy:
 * - a local time that does not exist (inside a forward jump, e.g. 02:30 on the spring-forward
 *   night in New York) is skipped: that slot has no run that day;
 * - an ambiguous local time (inside a backward jump, e.g. 01:30 on the fall-back night) fires
 *   once, at its first occurrence;
 * so no slot ever fires twice and none is skipped except a local time that does not exist.
 */
import { cronMatchesDay, type CronExpression } from "./cron-expression.js";
import { WALL_MS_PER_DAY, firstInstantOfWallTime, wallTimeOf } from "./wall-time.js";

/** How far ahead to look for a matching day before concluding that none exists (about 28 years). */
export const CRON_SEARCH_DAYS = 366 * 28 + 7;

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
  const startWall = Math.floor(wallTimeOf(afterMs, timeZone) / 1000) * 1000;
  let dayWall = startWall - (((startWall % WALL_MS_PER_DAY) + WALL_MS_PER_DAY) % WALL_MS_PER_DAY);
  for (let dayIndex = 0; dayIndex < CRON_SEARCH_DAYS; dayIndex++, dayWall += WALL_MS_PER_DAY) {
    const day = new Date(dayWall);
    if (!cronMatchesDay(expression, day.getUTCMonth() + 1, day.getUTCDate(), day.getUTCDay(), dayOr)) continue;
    for (const hour of expression.hours) {
      for (const minute of expression.minutes) {
        for (const second of expression.seconds) {
          const wall = dayWall + hour * 3_600_000 + minute * 60_000 + second * 1000;
          if (wall < startWall) continue;
          const instant = firstInstantOfWallTime(wall, timeZone);
          if (instant === null || instant <= afterMs) continue;
          if (instant > untilMs) return times;
          if (times.length === 0 || instant > (times[times.length - 1] ?? 0)) times.push(instant);
          if (times.length >= count) return times;
        }
      }
    }
    // Past the bound on a whole day (in wall time, with a day of slack for offsets): stop.
    if (dayWall - 2 * WALL_MS_PER_DAY > untilMs + 14 * 3_600_000) return times;
  }
  return times;
}
