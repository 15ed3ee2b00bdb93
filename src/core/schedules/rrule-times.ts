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
 *
 * A rule may match rarely or never, and the package does not stop on its own then (one schedule
 * preview kept a server busy for minutes, answering nothing else):
 * - an hourly, minutely or secondly rule whose BYHOUR/BYMINUTE/BYSECOND its steps can never reach
 *   (`FREQ=HOURLY;INTERVAL=4;BYHOUR=9` from a DTSTART at 08:00) loops forever inside the package
 *   (its step to the next period looks for an admitted time of day without end). Such a rule has
 *   no occurrence at all, which is plain arithmetic (`canReachTimeOfDay`), so it is not expanded
 *   (and a new schedule made only of such rules is refused: `rruleNeverReachesTimeOfDay`);
 * - a rule whose days never match (`FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30`) is searched to the year
 *   9999, UNTIL being checked only against a match (10 to 15 s per rule here). The package reads
 *   its options' `interval` on every step of that search, so a getter on it ends the search (by
 *   throwing) once the call has spent EXPANSION_BUDGET_MS; the call then returns the slots found,
 *   fewer than asked.
 * `test/schedules/rrule-budget.test.ts` fails if an update of the package changes either.
 */
import rrulePackage from "rrule";
import type { Options as RRuleOptions } from "rrule";
import type { CompiledRRule, CompiledRuleLine, RecurrenceDate } from "./rrule-text.js";
import { firstInstantOfWallTime, wallTimeOf, WALL_MS_PER_DAY } from "./wall-time.js";

const { RRule } = rrulePackage;

const MAX_ZONE_OFFSET_MS = 14 * 3_600_000;
/** Past this many occurrences of one rule per call, a set that keeps missing (all excluded) gives up. */
const MAX_EXPANSION = 100_000;
/** Time one call may spend expanding rules before it returns what it found (see file header). */
const EXPANSION_BUDGET_MS = 200;
/** Steps of the package's search between two looks at the clock. */
const STEPS_PER_CLOCK_CHECK = 1024;

const FIXED_PERIOD_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * 86_400_000,
  [RRule.DAILY]: 86_400_000,
  [RRule.HOURLY]: 3_600_000,
  [RRule.MINUTELY]: 60_000,
  [RRule.SECONDLY]: 1000,
};

/** Whether a BY part is given (rrule leaves an absent one undefined, null or empty). */
const isSet = (value: unknown): boolean => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0);

/** Whether a BY part admits `value` (an absent one admits everything). */
const admits = (filter: unknown, value: number): boolean => !isSet(filter) || (filter as number[]).includes(value);

function greatestCommonDivisor(a: number, b: number): number {
  return b === 0 ? a : greatestCommonDivisor(b, a % b);
}

/**
 * Whether the steps of an hourly, minutely or secondly rule ever land on a time of day its
 * BYHOUR (and BYMINUTE, BYSECOND below the frequency) admit: from DTSTART's time of day, steps of
 * `interval` units reach exactly the times of day congruent to it modulo gcd(interval, units per
 * day). Other frequencies: true.
 */
function canReachTimeOfDay(options: Partial<RRuleOptions> & { dtstart: Date }): boolean {
  const unitMs = FIXED_PERIOD_MS[options.freq ?? -1];
  if (unitMs === undefined || unitMs >= WALL_MS_PER_DAY) return true;
  const { byhour, byminute, bysecond, freq } = options;
  const unitsPerDay = WALL_MS_PER_DAY / unitMs;
  const step = greatestCommonDivisor(options.interval ?? 1, unitsPerDay);
  const startUnit = Math.floor((((options.dtstart.getTime() % WALL_MS_PER_DAY) + WALL_MS_PER_DAY) % WALL_MS_PER_DAY) / unitMs);
  for (let unit = startUnit % step; unit < unitsPerDay; unit += step) {
    const second = (unit * unitMs) / 1000;
    const isAdmitted =
      admits(byhour, Math.floor(second / 3600)) &&
      (freq === RRule.HOURLY || admits(byminute, Math.floor(second / 60) % 60)) &&
      (freq !== RRule.SECONDLY || admits(bysecond, second % 60));
    if (isAdmitted) return true;
  }
  return false;
}

/**
 * Whether a recurrence set can be seen never to fire by arithmetic alone: it has no RDATE, and each
 * of its rules is an hourly, minutely or secondly one whose steps never reach a time of day it
 * admits (`canReachTimeOfDay`). A set whose days never come is not caught (see the file header).
 */
export function rruleNeverReachesTimeOfDay(rule: CompiledRRule): boolean {
  if (rule.rdates.length > 0 || rule.rules.length === 0) return false;
  return rule.rules.every((line) => !canReachTimeOfDay(new RRule({ ...line.options, dtstart: new Date(rule.startWall), tzid: null }).options));
}

/** Thrown inside the package's search to end it once the budget is spent. */
class ExpansionBudgetSpent extends Error {}

/** Make `expander`'s search throw ExpansionBudgetSpent once performance.now() passes `deadline`. */
function stopSearchAt(expander: InstanceType<typeof RRule>, deadline: number): void {
  const options = expander.options as { interval: number };
  const { interval } = options;
  let steps = 0;
  Object.defineProperty(options, "interval", {
    get: () => {
      steps += 1;
      if (steps % STEPS_PER_CLOCK_CHECK === 0 && performance.now() > deadline) throw new ExpansionBudgetSpent();
      return interval;
    },
  });
}

/** Options of {@link rruleTimes}. */
export interface RRuleTimesOptions {
  timeZone: string;
  afterMs: number;
  untilMs?: number;
  count: number;
}

interface RuleWalls {
  walls: number[];
  /** Every occurrence up to this wall time is in `walls` (infinite: all of them up to `toWall`). */
  knownUntilWall: number;
}

const sizeOf = (list: unknown): number => (list === undefined || list === null ? 1 : Array.isArray(list) ? list.length : 1);

/**
 * How many occurrences each period of a fixed-period rule has, when that is the same for every
 * period (the BY parts only spell out times of day, or weekdays of a WEEKLY rule); else null.
 */
function occurrencesPerPeriod(options: Partial<RRuleOptions>): number | null {
  const { freq, bymonth, bymonthday, bynmonthday, byyearday, byweekno, bysetpos, byeaster, byweekday, bynweekday, byhour, byminute, bysecond } = options;
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

/** The wall times of one rule in [fromWall, toWall], at most `limit` of them, searched until `deadline`. */
function ruleWalls(rule: CompiledRuleLine, startWall: number, fromWall: number, toWall: number, limit: number, deadline: number): RuleWalls {
  const options = skipWholePeriods(rule, startWall, fromWall);
  if (options === null) return { walls: [], knownUntilWall: Number.POSITIVE_INFINITY };
  const expander = new RRule({ ...options, until: rule.untilWall === null ? null : new Date(rule.untilWall), tzid: null });
  // The options as the package completed them (its BY defaults from DTSTART included).
  if (!canReachTimeOfDay(expander.options)) return { walls: [], knownUntilWall: Number.POSITIVE_INFINITY };
  stopSearchAt(expander, deadline);
  const walls: number[] = [];
  let knownUntilWall = Number.POSITIVE_INFINITY;
  try {
    expander.all((occurrence) => {
      const wall = occurrence.getTime();
      if (wall < fromWall) return true;
      if (wall > toWall) return false;
      walls.push(wall);
      if (walls.length < limit) return true;
      knownUntilWall = wall;
      return false;
    });
  } catch (error) {
    if (!(error instanceof ExpansionBudgetSpent)) throw error;
    knownUntilWall = walls[walls.length - 1] ?? Number.NEGATIVE_INFINITY;
  }
  return { walls, knownUntilWall };
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
  const deadline = performance.now() + EXPANSION_BUDGET_MS;
  for (let limit = count + 8; ; limit *= 4) {
    // Occurrences past the earliest rule cut off (at `limit`, or by the budget) are not all known yet.
    let horizonWall = Number.POSITIVE_INFINITY;
    const candidates: { wall: number; instantMs: number }[] = [];
    for (const line of rule.rules) {
      const { walls, knownUntilWall } = ruleWalls(line, rule.startWall, fromWall, toWall, limit, deadline);
      horizonWall = Math.min(horizonWall, knownUntilWall);
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
    if (times.length >= count || horizonWall === Number.POSITIVE_INFINITY || limit > MAX_EXPANSION || performance.now() > deadline) return times;
  }
}
