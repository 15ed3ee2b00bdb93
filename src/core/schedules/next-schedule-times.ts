/**
 * Next run times of a schedule (cron, interval or RRULE, each in an IANA time zone), and the
 * validation that names the bad field. Pure: no IO, no clock (the caller says "after when").
 *
 * Daylight-saving policy, the same for every kind: slots are computed on local wall-clock time;
 * a local time that does not exist (the clocks jumped over it) is skipped, an ambiguous local
 * time (the clocks went back) fires once, at its first occurrence. So no slot fires twice and
 * none is skipped except a local time that does not exist.
 *
 * @example nextScheduleTimes({ cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, { after: new Date("2026-01-01T00:00:00Z") })
 * // → [2026-01-01T01:00:00.000Z]
 */
import { MAX_INTERVAL_SECONDS, MIN_INTERVAL_SECONDS } from "../input-limits.js";
import type { ScheduleSpec } from "../models.js";
import { WeirError, type FieldIssue } from "../weir-error.js";
import { parseCronExpression, type CronExpression } from "./cron-expression.js";
import { canonicalTimeZone } from "./canonical-time-zone.js";
import { cronTimes } from "./cron-times.js";
import { DEFAULT_INTERVAL_ANCHOR, intervalTimes, parseAnchorDate } from "./interval-times.js";
import { canonicalRRuleText, parseRRule, type CompiledRRule } from "./rrule-text.js";
import { rruleNeverReachesTimeOfDay, rruleTimes } from "./rrule-times.js";

/** Time zone of a schedule that names none. */
export const DEFAULT_SCHEDULE_TIME_ZONE = "UTC";

/** The last instant an ISO-8601 timestamp of four-digit years can name (9999-12-31T23:59:59.999Z); later slots are never returned. */
export const LAST_SCHEDULE_TIME_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/** Upper bound on how many times one call returns when only `until` limits it. */
export const MAX_SCHEDULE_TIMES = 10_000;

/** Options of {@link nextScheduleTimes}. */
export interface NextScheduleTimesOptions {
  /** Times strictly after this instant. */
  after: Date;
  /** At most this many times. @default 1 without `until`, else {@link MAX_SCHEDULE_TIMES} */
  count?: number;
  /** Times at or before this instant. @default no bound */
  until?: Date;
}

/** A validated schedule, ready to compute times. */
export type CompiledSchedule =
  | { kind: "cron"; timeZone: string; expression: CronExpression; dayOr: boolean }
  | { kind: "interval"; timeZone: string; intervalSeconds: number; anchorMs: number }
  | { kind: "rrule"; timeZone: string; rule: CompiledRRule };

function compileOrIssues(spec: ScheduleSpec, path: string): CompiledSchedule | FieldIssue[] {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) return [{ path, message: "must be an object with cron, interval or rrule" }];
  const kinds = (["cron", "interval", "rrule"] as const).filter((kind) => kind in spec && (spec as Record<string, unknown>)[kind] !== undefined);
  if (kinds.length !== 1) {
    return [{ path, message: kinds.length === 0 ? "must have one of cron, interval or rrule" : `has both ${kinds.join(" and ")}; give exactly one` }];
  }
  const rawTimeZone = (spec as { timezone?: unknown }).timezone;
  const timeZone = canonicalTimeZone(rawTimeZone === undefined || rawTimeZone === null ? DEFAULT_SCHEDULE_TIME_ZONE : rawTimeZone);
  if (timeZone === null) {
    return [{ path: `${path}.timezone`, message: `unknown time zone ${JSON.stringify(rawTimeZone)} (expected an IANA name such as "Europe/London" or "UTC")` }];
  }
  if ("cron" in spec) {
    const parsed = parseCronExpression(spec.cron, `${path}.cron`);
    if (Array.isArray(parsed)) return parsed;
    if (spec.dayOr !== undefined && typeof spec.dayOr !== "boolean") return [{ path: `${path}.dayOr`, message: "must be a boolean" }];
    const compiled = { kind: "cron" as const, timeZone, expression: parsed, dayOr: spec.dayOr ?? true };
    const probe = cronTimes(parsed, { timeZone: "UTC", afterMs: Date.UTC(2000, 0, 1), count: 1, dayOr: compiled.dayOr });
    if (probe.length === 0) return [{ path: `${path}.cron`, message: `"${parsed.source}" never fires (no matching day within 400 years)` }];
    return compiled;
  }
  if ("interval" in spec) {
    const { interval, anchorDate } = spec;
    if (typeof interval !== "number" || !Number.isFinite(interval) || interval < MIN_INTERVAL_SECONDS || interval > MAX_INTERVAL_SECONDS) {
      return [{ path: `${path}.interval`, message: `must be a positive number of seconds, from ${MIN_INTERVAL_SECONDS} to ${MAX_INTERVAL_SECONDS}` }];
    }
    const anchorMs = parseAnchorDate(anchorDate ?? DEFAULT_INTERVAL_ANCHOR, timeZone);
    if (anchorMs === null) return [{ path: `${path}.anchorDate`, message: `${JSON.stringify(anchorDate)} is not an ISO-8601 date` }];
    // Slots are whole milliseconds: a finer interval is rounded to the millisecond.
    return { kind: "interval", timeZone, intervalSeconds: Math.round(interval * 1000) / 1000, anchorMs };
  }
  const rule = parseRRule(spec.rrule, timeZone, `${path}.rrule`);
  if (Array.isArray(rule)) return rule;
  if (rule.timeZoneInText !== null && rawTimeZone !== undefined && rawTimeZone !== null && rule.timeZoneInText !== timeZone) {
    return [{ path: `${path}.timezone`, message: `"${timeZone}" differs from the rule's TZID "${rule.timeZoneInText}"` }];
  }
  return { kind: "rrule", timeZone: rule.timeZoneInText ?? timeZone, rule };
}

const compiledSchedules = new WeakSet<CompiledSchedule>();

/**
 * Validate and compile a schedule spec; throws a VALIDATION WeirError naming the bad field
 * (`schedule.cron`, `schedule.timezone`, …; pass `path` to prefix differently).
 */
export function compileScheduleSpec(spec: ScheduleSpec, path = "schedule"): CompiledSchedule {
  const result = compileOrIssues(spec, path);
  if (Array.isArray(result)) throw WeirError.validation("schedule", result);
  compiledSchedules.add(result);
  return Object.freeze(result);
}

/**
 * Compile a schedule given as input (a new or changed deployment, a preview, a deployment file):
 * besides what {@link compileScheduleSpec} refuses, an RRULE that can be seen never to fire is
 * refused, as a cron that never fires is. A schedule already stored is compiled without this
 * check, so one stored before it keeps loading (and gives no slots).
 */
function compileInputSchedule(spec: ScheduleSpec, path: string): CompiledSchedule {
  const compiled = compileScheduleSpec(spec, path);
  if (compiled.kind === "rrule" && rruleNeverReachesTimeOfDay(compiled.rule)) {
    const message = "never fires: from DTSTART, its steps of INTERVAL never land on a time of day its BYHOUR/BYMINUTE/BYSECOND admit";
    throw WeirError.validation("schedule", [{ path: `${path}.rrule`, message }]);
  }
  return compiled;
}

/** Throw a VALIDATION WeirError naming the bad field unless `spec` is a valid schedule. */
export function validateScheduleSpec(spec: ScheduleSpec, path = "schedule"): void {
  compileInputSchedule(spec, path);
}

/**
 * Validate a schedule spec (as {@link validateScheduleSpec}) and return it as Weir stores it: time
 * zones (`timezone` and an RRULE's `TZID=`) in their canonical IANA spelling, so that two
 * spellings of one zone are one schedule. Other fields are kept as given.
 * @example canonicalScheduleSpec({ cron: "0 8 * * *", timezone: "asia/phnom_penh" }) // → { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }
 */
export function canonicalScheduleSpec(spec: ScheduleSpec, path = "schedule"): ScheduleSpec {
  const compiled = compileInputSchedule(spec, path);
  const canonical: ScheduleSpec = { ...spec };
  if (typeof canonical.timezone === "string") canonical.timezone = compiled.timeZone;
  if ("rrule" in canonical && typeof canonical.rrule === "string") canonical.rrule = canonicalRRuleText(canonical.rrule);
  return canonical;
}

/** The next run times of a schedule after `options.after`, ascending (see the DST policy above). */
export function nextScheduleTimes(spec: ScheduleSpec | CompiledSchedule, options: NextScheduleTimesOptions): Date[] {
  const compiled = compiledSchedules.has(spec as CompiledSchedule) ? (spec as CompiledSchedule) : compileScheduleSpec(spec as ScheduleSpec);
  const afterMs = options.after.getTime();
  if (Number.isNaN(afterMs)) throw WeirError.validation("schedule query", [{ path: "after", message: "must be a valid date" }]);
  const untilMs = options.until?.getTime();
  if (untilMs !== undefined && Number.isNaN(untilMs)) throw WeirError.validation("schedule query", [{ path: "until", message: "must be a valid date" }]);
  const count = Math.min(options.count ?? (untilMs === undefined ? 1 : MAX_SCHEDULE_TIMES), MAX_SCHEDULE_TIMES);
  const range = { timeZone: compiled.timeZone, afterMs, count, ...(untilMs === undefined ? {} : { untilMs }) };
  let times: number[];
  switch (compiled.kind) {
    case "cron":
      times = cronTimes(compiled.expression, { ...range, dayOr: compiled.dayOr });
      break;
    case "interval":
      times = intervalTimes({ ...range, intervalSeconds: compiled.intervalSeconds, anchorMs: compiled.anchorMs });
      break;
    case "rrule":
      times = rruleTimes(compiled.rule, range);
      break;
  }
  return times.filter((ms) => ms <= LAST_SCHEDULE_TIME_MS).map((ms) => new Date(ms));
}
