/**
 * Slot times of an RFC 5545 recurrence rule (the `rrule` package) in a time zone.
 *
 * Accepted text: one `RRULE:` line (or a bare `FREQ=…` rule) and an optional `DTSTART` line
 * (`DTSTART:20260101T090000` local, `DTSTART:20260101T090000Z` UTC, or
 * `DTSTART;TZID=Europe/London:20260101T090000`). Without DTSTART the rule is anchored at
 * `2020-01-01T00:00:00` local time. The rule is expanded on local wall-clock time ("floating"
 * times) and each occurrence is then placed in the zone with the cron policy: a local time that
 * does not exist is skipped, an ambiguous one fires at its first occurrence.
 */
import rrulePackage from "rrule";
import type { Options as RRuleOptions } from "rrule";
import type { FieldIssue } from "../weir-error.js";
import { firstInstantOfWallTime, wallTimeOf } from "./wall-time.js";

const { RRule } = rrulePackage;

/** A recurrence rule ready to expand in wall time. */
export interface CompiledRRule {
  options: Partial<RRuleOptions>;
  /** DTSTART as wall time (ms), see wall-time.ts. */
  startWall: number;
  /** UNTIL as wall time (ms), or null. */
  untilWall: number | null;
  /** TZID given in the text, if any. */
  timeZoneInText: string | null;
}

const DEFAULT_START_WALL = Date.UTC(2020, 0, 1);
const FIXED_PERIOD_MS: Partial<Record<number, number>> = {
  [RRule.WEEKLY]: 7 * 86_400_000,
  [RRule.DAILY]: 86_400_000,
  [RRule.HOURLY]: 3_600_000,
  [RRule.MINUTELY]: 60_000,
  [RRule.SECONDLY]: 1000,
};

/** Parse an RRULE text; returns the compiled rule or issues naming `path`. */
export function parseRRule(text: string, timeZone: string, path = "rrule"): CompiledRRule | FieldIssue[] {
  if (typeof text !== "string" || text.trim() === "") return [{ path, message: "must be a non-empty RRULE string" }];
  const lines = text.trim().split(/\r?\n/).map((line) => line.trim()).filter((line) => line !== "");
  const ruleLines = lines.filter((line) => /^(RRULE:|FREQ=)/i.test(line));
  const otherLines = lines.filter((line) => !/^(RRULE:|FREQ=|DTSTART[:;])/i.test(line));
  if (ruleLines.length !== 1 || otherLines.length > 0) {
    return [{ path, message: "expected exactly one RRULE line and an optional DTSTART line" }];
  }
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(lines.map((line) => (/^FREQ=/i.test(line) ? `RRULE:${line}` : line)).join("\n"));
    if (options.freq === undefined) return [{ path, message: "the rule has no FREQ" }];
    if (options.count !== undefined && options.count !== null) return [{ path, message: "COUNT is not supported in schedules (use UNTIL)" }];
    // Validates the remaining options.
    new RRule({ ...options, dtstart: new Date(DEFAULT_START_WALL), tzid: null, until: null });
  } catch (error) {
    return [{ path, message: `not a valid RRULE: ${error instanceof Error ? error.message : String(error)}` }];
  }
  const isUtc = (name: string): boolean => new RegExp(`${name}[^\\n]*\\d{8}T\\d{6}Z`, "i").test(text);
  const toWall = (date: Date | null | undefined, name: string): number | null =>
    date ? (isUtc(name) ? wallTimeOf(date.getTime(), timeZone) : date.getTime()) : null;
  return {
    options,
    startWall: toWall(options.dtstart, "DTSTART") ?? DEFAULT_START_WALL,
    untilWall: toWall(options.until, "UNTIL"),
    timeZoneInText: options.tzid ?? null,
  };
}

/** Options of {@link rruleTimes}. */
export interface RRuleTimesOptions {
  timeZone: string;
  afterMs: number;
  untilMs?: number;
  count: number;
}

/** The next slots of a compiled rule, ascending, as epoch milliseconds. */
export function rruleTimes(rule: CompiledRRule, options: RRuleTimesOptions): number[] {
  const { timeZone, afterMs, count } = options;
  const untilMs = options.untilMs ?? Number.POSITIVE_INFINITY;
  const times: number[] = [];
  if (count <= 0) return times;
  const afterWall = wallTimeOf(afterMs, timeZone);
  let startWall = rule.startWall;
  // rrule expands from DTSTART every time; move DTSTART forward by whole periods (keeping the
  // phase) so a minutely rule anchored years ago stays cheap.
  const period = FIXED_PERIOD_MS[rule.options.freq ?? -1];
  if (period !== undefined) {
    const stride = period * (rule.options.interval ?? 1);
    const skippable = Math.floor((afterWall - 2 * 86_400_000 - startWall) / stride);
    if (skippable > 0) startWall += skippable * stride;
  }
  const expander = new RRule({
    ...rule.options,
    dtstart: new Date(startWall),
    until: rule.untilWall === null ? null : new Date(rule.untilWall),
    tzid: null,
  });
  expander.all((occurrence) => {
    const wall = occurrence.getTime();
    // Wall times before afterMs's wall time never yield a later instant under the policy.
    if (wall < afterWall - 1000) return true;
    if (wall - 14 * 3_600_000 > untilMs) return false;
    const instant = firstInstantOfWallTime(wall, timeZone);
    if (instant === null || instant <= afterMs) return true;
    if (instant > untilMs) return false;
    if (times.length === 0 || instant > (times[times.length - 1] ?? 0)) times.push(instant);
    return times.length < count;
  });
  return times;
}
