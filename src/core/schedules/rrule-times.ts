/**
 * Slot times of an RFC 5545 recurrence set (rrule-text.ts) in a time zone.
 *
 * Each RRULE line is expanded by the `rrule` package on local wall-clock time ("floating" times);
 * the lines, RDATEs and EXDATEs are merged here, and each occurrence is then placed in the zone
 * with the cron policy: a local time that does not exist is skipped, an ambiguous one fires at
 * its first occurrence. An RDATE given as an exact instant (`…Z`, or a TZID other than the
 * schedule's) fires at that instant. COUNT counts the rule's occurrences, including one that the
 * policy skips or an EXDATE removes (RFC 5545 counts before exclusions).
 *
 * The rrule package's own RRuleSet is not used to merge: its iterator yields every RDATE first and
 * runs each rule to the end before sorting, so "the next N after X" of an unbounded set cannot
 * stop early.
 */
import rrulePackage from "rrule";
import type { Options as RRuleOptions } from "rrule";
import type { CompiledRRule, CompiledRuleLine, RecurrenceDate } from "./rrule-text.js";
import { firstInstantOfWallTime, wallTimeOf, WALL_MS_PER_DAY } from "./wall-time.js";

const { RRule } = rrulePackage;

const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;
/** Past this many occurrences of one rule per call, a set that keeps missing (all excluded) gives up. */
const MAX_EXPANSION = 100_000;
const FIXED_PERIOD_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * 86_400_000,
  [RRule.DAILY]: 86_400_000,
  [RRule.HOURLY]: 3_600_000,
  [RRule.MINUTELY]: 60_000,
  [RRule.SECONDLY]: 1000,
};

/** Options of {@link rruleTimes}. */
export interface RRuleTimesOptions {
  timeZone: string;
  afterMs: number;
  untilMs?: number;
  count: number;
}

interface RuleWalls {
  walls: number[];
  /** Every occurrence up to `toWall` is in `walls` (else they stop at the limit). */
  isComplete: boolean;
}

const sizeOf = (list: unknown): number => (list === undefined || list === null ? 1 : Array.isArray(list) ? list.length : 1);

/**
 * How many occurrences each period of a fixed-period rule has, when that is the same for every
 * period (the BY parts only spell out times of day, or weekdays of a WEEKLY rule); else null.
 */
function occurrencesPerPeriod(options: Partial<RRuleOptions>): number | null {
  const { freq, bymonth, bymonthday, bynmonthday, byyearday, byweekno, bysetpos, byeaster, byweekday, bynweekday, byhour, byminute, bysecond } = options;
  const isSet = (value: unknown): boolean => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);
  if ([bymonth, bymonthday, bynmonthday, byyearday, byweekno, bysetpos, byeaster, bynweekday].some(isSet)) return null;
  const weekdays = Array.isArray(byweekday) ? byweekday : byweekday === undefined || byweekday === null ? [] : [byweekday];
  if (weekdays.some((day) => typeof day === "object" && day.n !== undefined && day.n !== 0)) return null;
  // A BY part at or above the rule's frequency filters periods rather than spelling them out.
  const filters: Record<number, unknown[]> = {
    [RRule.WEEKLY]: [],
    [RRule.DAILY]: [byweekday],
    [RRule.HOURLY]: [byweekday, byhour],
    [RRule.MINUTELY]: [byweekday, byhour, byminute],
    [RRule.SECONDLY]: [byweekday, byhour, byminute, bysecond],
  };
  if ((filters[freq ?? -1] ?? [true]).some(isSet)) return null;
  return sizeOf(freq === RRule.WEEKLY && weekdays.length > 0 ? weekdays : null) * sizeOf(byhour) * sizeOf(byminute) * sizeOf(bysecond);
}

/**
 * rrule expands from DTSTART every time; move DTSTART forward by whole periods (keeping the phase)
 * so a minutely rule anchored years ago stays cheap. A COUNT rule moves only when every period has
 * the same number of occurrences, and its COUNT drops by those skipped. Null: the rule ended before.
 */
function skipWholePeriods(rule: CompiledRuleLine, startWall: number, fromWall: number): Partial<RRuleOptions> & { dtstart: Date } | null {
  const options = { ...rule.options, dtstart: new Date(startWall) };
  const period = FIXED_PERIOD_MS[options.freq ?? -1];
  if (period === undefined) return options;
  const stride = period * (options.interval ?? 1);
  const skippable = Math.floor((fromWall - 2 * 86_400_000 - startWall) / stride);
  if (skippable <= 0) return options;
  if (options.count === undefined || options.count === null) return { ...options, dtstart: new Date(startWall + skippable * stride) };
  const perPeriod = occurrencesPerPeriod(options);
  if (perPeriod === null) return options;
  const remaining = options.count - skippable * perPeriod;
  return remaining <= 0 ? null : { ...options, dtstart: new Date(startWall + skippable * stride), count: remaining };
}

/** The wall times of one rule in [fromWall, toWall], at most `limit` of them. */
function ruleWalls(rule: CompiledRuleLine, startWall: number, fromWall: number, toWall: number, limit: number): RuleWalls {
  const options = skipWholePeriods(rule, startWall, fromWall);
  if (options === null) return { walls: [], isComplete: true };
  const expander = new RRule({ ...options, until: rule.untilWall === null ? null : new Date(rule.untilWall), tzid: null });
  const walls: number[] = [];
  let isComplete = true;
  expander.all((occurrence) => {
    const wall = occurrence.getTime();
    if (wall < fromWall) return true;
    if (wall > toWall) return false;
    walls.push(wall);
    if (walls.length < limit) return true;
    isComplete = false;
    return false;
  });
  return { walls, isComplete };
}

function dayOf(wall: number): number {
  return wall - (((wall % WALL_MS_PER_DAY) + WALL_MS_PER_DAY) % WALL_MS_PER_DAY);
}

/** Whether an EXDATE removes the occurrence at this wall time and instant. */
function isExcluded(exdates: RecurrenceDate[], wall: number, instantMs: number): boolean {
  return exdates.some((date) => (date.kind === "wall" ? date.wall === wall : date.kind === "instant" ? date.instantMs === instantMs : date.wall === dayOf(wall)));
}

/** The next slots of a compiled set, ascending, as epoch milliseconds. */
export function rruleTimes(rule: CompiledRRule, options: RRuleTimesOptions): number[] {
  const { timeZone, afterMs, count } = options;
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  if (count <= 0) return [];
  // Wall times before afterMs's wall time never yield a later instant under the policy.
  const fromWall = wallTimeOf(afterMs, timeZone) - 1000;
  const toWall = untilMs + MAX_ZONE_OFFSET_MS;
  for (let limit = count + 8; ; limit *= 4) {
    // Occurrences past the earliest rule cut off at `limit` are not all known yet.
    let horizonWall = Number.POSITIVE_INFINITY;
    const candidates: { wall: number; instantMs: number }[] = [];
    for (const line of rule.rules) {
      const { walls, isComplete } = ruleWalls(line, rule.startWall, fromWall, toWall, limit);
      if (!isComplete) horizonWall = Math.min(horizonWall, walls[walls.length - 1] ?? Number.NEGATIVE_INFINITY);
      for (const wall of walls) {
        const instantMs = firstInstantOfWallTime(wall, timeZone);
        if (instantMs !== null) candidates.push({ wall, instantMs });
      }
    }
    for (const date of rule.rdates) {
      const instantMs = date.kind === "instant" ? date.instantMs : firstInstantOfWallTime(date.wall, timeZone);
      if (instantMs !== null) candidates.push({ wall: date.kind === "instant" ? wallTimeOf(instantMs, timeZone) : date.wall, instantMs });
    }
    const instants = candidates
      .filter(({ wall, instantMs }) => wall <= horizonWall && instantMs > afterMs && instantMs <= untilMs && !isExcluded(rule.exdates, wall, instantMs))
      .map(({ instantMs }) => instantMs)
      .sort((a, b) => a - b);
    const times = instants.filter((instant, index) => index === 0 || instant !== instants[index - 1]).slice(0, count);
    if (times.length >= count || horizonWall === Number.POSITIVE_INFINITY || limit > MAX_EXPANSION) return times;
  }
}
