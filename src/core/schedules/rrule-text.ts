/**
 * The text of an RRULE schedule: an RFC 5545 recurrence set, one property a line (or, for a
 * one-line input field, separated by spaces):
 *
 * - `DTSTART` (optional, once): `DTSTART:20260101T090000` local, `DTSTART:20260101T090000Z` UTC,
 *   `DTSTART;TZID=Europe/London:20260101T090000` (the TZID is then the schedule's time zone),
 *   `DTSTART;VALUE=DATE:20260101`. Default: `2020-01-01T00:00:00` local time.
 * - `RRULE:` (any number, or a bare `FREQ=…` line), with `COUNT` (counted from DTSTART) or `UNTIL`.
 * - `RDATE` and `EXDATE` (any number, comma lists): extra and removed occurrences, as local
 *   date-times, UTC (`…Z`), `TZID=` date-times, or whole days (`VALUE=DATE`: an RDATE day fires
 *   at DTSTART's time of day, an EXDATE day removes every occurrence on that local date).
 *
 * At least one RRULE or RDATE is needed. Local times are kept as wall times (wall-time.ts) and
 * placed in the zone when the set is expanded (rrule-times.ts).
 */
import rrulePackage from "rrule";
import type { Options as RRuleOptions } from "rrule";
import type { FieldIssue } from "../weir-error.js";
import { canonicalTimeZone } from "./canonical-time-zone.js";
import { lenientInstantOfWallTime, wallTimeOf, WALL_MS_PER_DAY } from "./wall-time.js";

const { RRule } = rrulePackage;

/** One RRULE line: its options (without DTSTART) and UNTIL as a wall time. */
export interface CompiledRuleLine {
  options: Partial<RRuleOptions>;
  untilWall: number | null;
}

/** A date of an RDATE or EXDATE line: a local wall time, an exact instant, or a whole local day. */
export type RecurrenceDate = { kind: "wall"; wall: number } | { kind: "instant"; instantMs: number } | { kind: "day"; wall: number };

/** A recurrence set ready to expand in wall time. */
export interface CompiledRRule {
  rules: CompiledRuleLine[];
  /** DTSTART as wall time (ms), see wall-time.ts. */
  startWall: number;
  rdates: RecurrenceDate[];
  exdates: RecurrenceDate[];
  /** The canonical TZID of DTSTART, if any. */
  timeZoneInText: string | null;
}

const DEFAULT_START_WALL = Date.UTC(2020, 0, 1);
/** Expanding a COUNT rule may walk all its occurrences from DTSTART; this keeps that bounded. */
const MAX_COUNT = 100_000;
const PROPERTY_START = /\s+(?=(?:DTSTART|RRULE|EXRULE|RDATE|EXDATE)[:;])/i;
const DATE_VALUE = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i;

class RRuleProblem extends Error {}

interface ContentLine {
  name: string;
  params: Map<string, string>;
  value: string;
}

function contentLine(line: string): ContentLine {
  const bare = /^FREQ=/i.test(line) ? `RRULE:${line}` : line;
  const colon = bare.indexOf(":");
  if (colon < 0) throw new RRuleProblem(`"${line}" is not a "NAME:value" line`);
  const [name = "", ...paramTexts] = bare.slice(0, colon).split(";");
  const params = new Map<string, string>();
  for (const param of paramTexts) {
    const [key = "", value = ""] = param.split("=");
    params.set(key.toUpperCase(), value.replace(/^"(.*)"$/, "$1"));
  }
  return { name: name.toUpperCase(), params, value: bare.slice(colon + 1).trim() };
}

/** A date value (`20260101`, `20260101T090000`, `…Z`) with its parameters, in the schedule's zone. */
function dateValue(text: string, params: Map<string, string>, timeZone: string, name: string): RecurrenceDate {
  const valueType = params.get("VALUE")?.toUpperCase();
  if (valueType === "PERIOD") throw new RRuleProblem(`${name}: VALUE=PERIOD is not supported (give date-times)`);
  const match = DATE_VALUE.exec(text);
  if (!match) throw new RRuleProblem(`${name}: "${text}" is not a date (YYYYMMDD) or date-time (YYYYMMDDTHHMMSS, optionally ending in Z)`);
  const [, year, month, day, hour, minute, second, utc] = match;
  const wall = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour ?? 0), Number(minute ?? 0), Number(second ?? 0));
  const check = new Date(wall);
  if (check.getUTCDate() !== Number(day) || check.getUTCMonth() !== Number(month) - 1 || Number(hour ?? 0) > 23 || Number(minute ?? 0) > 59 || Number(second ?? 0) > 59) {
    throw new RRuleProblem(`${name}: "${text}" is not a valid date`);
  }
  if (hour === undefined) return { kind: "day", wall };
  if (utc) return { kind: "instant", instantMs: wall };
  const tzid = params.get("TZID");
  if (tzid === undefined) return { kind: "wall", wall };
  const zone = canonicalTimeZone(tzid);
  if (zone === null) throw new RRuleProblem(`${name}: unknown time zone "${tzid}" in TZID`);
  return zone === timeZone ? { kind: "wall", wall } : { kind: "instant", instantMs: lenientInstantOfWallTime(wall, zone) };
}

function ruleLine(line: ContentLine, timeZone: string): CompiledRuleLine {
  let options: Partial<RRuleOptions>;
  try {
    options = RRule.parseString(`RRULE:${line.value}`);
  } catch (error) {
    throw new RRuleProblem(`not a valid RRULE: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (options.freq === undefined) throw new RRuleProblem(`RRULE "${line.value}" has no FREQ`);
  if (options.dtstart || options.tzid) throw new RRuleProblem(`RRULE "${line.value}": give DTSTART on its own line`);
  if (options.count !== undefined && options.count !== null && options.until) throw new RRuleProblem(`RRULE "${line.value}" has both COUNT and UNTIL (RFC 5545 allows one)`);
  if ((options.count ?? 0) > MAX_COUNT) throw new RRuleProblem(`RRULE "${line.value}": COUNT must be at most ${MAX_COUNT} (use UNTIL for a longer schedule)`);
  try {
    // Validates the remaining options.
    new RRule({ ...options, dtstart: new Date(DEFAULT_START_WALL), tzid: null });
  } catch (error) {
    throw new RRuleProblem(`not a valid RRULE: ${error instanceof Error ? error.message : String(error)}`);
  }
  const isUtcUntil = /UNTIL=\d{8}T\d{6}Z/i.test(line.value);
  const until = options.until ? options.until.getTime() : null;
  return { options: { ...options, until: null }, untilWall: until === null ? null : isUtcUntil ? wallTimeOf(until, timeZone) : until };
}

function compileLines(lines: ContentLine[], fallbackTimeZone: string): CompiledRRule {
  const starts = lines.filter((line) => line.name === "DTSTART");
  if (starts.length > 1) throw new RRuleProblem("more than one DTSTART line");
  const start = starts[0];
  const tzid = start?.params.get("TZID");
  const timeZoneInText = tzid === undefined ? null : canonicalTimeZone(tzid);
  if (tzid !== undefined && timeZoneInText === null) throw new RRuleProblem(`unknown time zone "${tzid}" in TZID`);
  const timeZone = timeZoneInText ?? fallbackTimeZone;
  const startDate = start === undefined ? null : dateValue(start.value, start.params, timeZone, "DTSTART");
  const startWall = startDate === null ? DEFAULT_START_WALL : startDate.kind === "instant" ? wallTimeOf(startDate.instantMs, timeZone) : startDate.wall;
  const compiled: CompiledRRule = { rules: [], startWall, rdates: [], exdates: [], timeZoneInText };
  for (const line of lines) {
    switch (line.name) {
      case "DTSTART":
        break;
      case "RRULE":
        compiled.rules.push(ruleLine(line, timeZone));
        break;
      case "RDATE":
      case "EXDATE": {
        const dates = line.value.split(",").map((text) => dateValue(text.trim(), line.params, timeZone, line.name));
        // A whole-day RDATE fires at DTSTART's time of day.
        const timeOfDay = ((startWall % WALL_MS_PER_DAY) + WALL_MS_PER_DAY) % WALL_MS_PER_DAY;
        if (line.name === "RDATE") compiled.rdates.push(...dates.map((date) => (date.kind === "day" ? { kind: "wall" as const, wall: date.wall + timeOfDay } : date)));
        else compiled.exdates.push(...dates);
        break;
      }
      case "EXRULE":
        throw new RRuleProblem("EXRULE is deprecated by RFC 5545 and not supported; list the dates to leave out in EXDATE");
      default:
        throw new RRuleProblem(`unknown line "${line.name}" (expected DTSTART, RRULE, RDATE or EXDATE)`);
    }
  }
  if (compiled.rules.length === 0 && compiled.rdates.length === 0) throw new RRuleProblem("expected at least one RRULE (or FREQ=…) or RDATE line");
  return compiled;
}

/**
 * Parse an RRULE text; `timeZone` is the schedule's zone, used unless DTSTART names a TZID.
 * Returns the compiled set or issues naming `path`.
 */
export function parseRRule(text: string, timeZone: string, path = "rrule"): CompiledRRule | FieldIssue[] {
  if (typeof text !== "string" || text.trim() === "") return [{ path, message: "must be a non-empty RRULE string" }];
  const lines = text
    .trim()
    .split(/\r?\n/)
    .flatMap((line) => line.split(PROPERTY_START))
    .map((line) => line.trim())
    .filter((line) => line !== "");
  try {
    return compileLines(lines.map(contentLine), timeZone);
  } catch (error) {
    if (error instanceof RRuleProblem) return [{ path, message: error.message }];
    throw error;
  }
}

/** The RRULE text with each `TZID=` parameter in its canonical spelling (unknown zones left as they are). */
export function canonicalRRuleText(text: string): string {
  return text.replace(/(;TZID=)([^:;]+)/gi, (whole, prefix: string, zone: string) => {
    const canonical = canonicalTimeZone(zone);
    return canonical === null ? whole : `${prefix}${canonical}`;
  });
}
