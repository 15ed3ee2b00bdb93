/**
 * A parsed cron expression: 5 fields (`minute hour day-of-month month day-of-week`) or 6 fields
 * with seconds first (`second minute hour day-of-month month day-of-week`), or a macro
 * (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight`, `@hourly`).
 *
 * Each field takes `*`, numbers, ranges `a-b`, steps `*\/n`, `a-b/n`, `a/n`, and comma lists;
 * months take `JAN`–`DEC` and days of week `SUN`–`SAT` (case-insensitive, `0` and `7` are both
 * Sunday); `?` means `*` in the two day fields.
 *
 * Day matching follows Vixie cron (and Prefect's `day_or`): when both day-of-month and day-of-week
 * are restricted (neither starts with `*` or `?`), a day matches if *either* matches (`dayOr`,
 * the default) or only if *both* match (`dayOr: false`); when one of them is unrestricted, only
 * the other one counts.
 */
import type { FieldIssue } from "../weir-error.js";

/** A cron expression compiled to sets of allowed values. */
export interface CronExpression {
  source: string;
  seconds: readonly number[];
  minutes: readonly number[];
  hours: readonly number[];
  daysOfMonth: ReadonlySet<number>;
  months: ReadonlySet<number>;
  /** 0 = Sunday … 6 = Saturday. */
  daysOfWeek: ReadonlySet<number>;
  isDayOfMonthRestricted: boolean;
  isDayOfWeekRestricted: boolean;
}

interface FieldSpec {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  allowsQuestionMark?: boolean;
}

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

const FIELDS: readonly FieldSpec[] = [
  { name: "second", min: 0, max: 59 },
  { name: "minute", min: 0, max: 59 },
  { name: "hour", min: 0, max: 23 },
  { name: "day-of-month", min: 1, max: 31, allowsQuestionMark: true },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES },
  { name: "day-of-week", min: 0, max: 7, names: DAY_NAMES, allowsQuestionMark: true },
];

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

class CronFieldError extends Error {}

function parseValue(text: string, field: FieldSpec): number {
  const upper = text.toUpperCase();
  const nameIndex = field.names?.indexOf(upper) ?? -1;
  if (nameIndex >= 0) return field.name === "month" ? nameIndex + 1 : nameIndex;
  if (/^\d*[LW#]/i.test(text) || /^L$/i.test(text)) throw new CronFieldError(`${field.name} field: "${text}" uses L, W or #, which Weir does not support`);
  if (!/^\d+$/.test(text)) throw new CronFieldError(`${field.name} field: "${text}" is not a number${field.names ? " or a name" : ""}`);
  const value = Number(text);
  if (value < field.min || value > field.max) {
    throw new CronFieldError(`${field.name} field: ${value} is out of range ${field.min}-${field.max}`);
  }
  return value;
}

function parseField(text: string, field: FieldSpec): Set<number> {
  const values = new Set<number>();
  for (const item of text.split(",")) {
    if (item === "") throw new CronFieldError(`${field.name} field: empty list item in "${text}"`);
    const [rangeText = "", stepText, extra] = item.split("/");
    if (extra !== undefined) throw new CronFieldError(`${field.name} field: "${item}" has more than one "/"`);
    let step = 1;
    if (stepText !== undefined) {
      if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
        throw new CronFieldError(`${field.name} field: step "${stepText}" must be a positive integer`);
      }
      step = Number(stepText);
    }
    let low: number;
    let high: number;
    if (rangeText === "*" || (rangeText === "?" && field.allowsQuestionMark)) {
      low = field.min;
      high = field.max;
    } else if (rangeText.includes("-")) {
      const [lowText = "", highText = "", rest] = rangeText.split("-");
      if (rest !== undefined) throw new CronFieldError(`${field.name} field: bad range "${rangeText}"`);
      low = parseValue(lowText, field);
      high = parseValue(highText, field);
      if (low > high) throw new CronFieldError(`${field.name} field: range "${rangeText}" goes backwards`);
    } else {
      low = parseValue(rangeText, field);
      high = stepText === undefined ? low : field.max;
    }
    for (let value = low; value <= high; value += step) values.add(value);
  }
  return values;
}

/**
 * Parse a cron expression; returns the compiled expression or the issues found, each naming
 * the bad field (paths are `${path}`).
 */
export function parseCronExpression(source: string, path = "cron"): CronExpression | FieldIssue[] {
  if (typeof source !== "string") return [{ path, message: "must be a string" }];
  const trimmed = source.trim();
  const expanded = MACROS[trimmed.toLowerCase()] ?? trimmed;
  if (expanded.startsWith("@")) return [{ path, message: `unknown macro "${trimmed}"` }];
  const parts = expanded.split(/\s+/).filter((part) => part !== "");
  if (parts.length !== 5 && parts.length !== 6) {
    return [{ path, message: `expected 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds first, got ${parts.length}` }];
  }
  const texts = parts.length === 5 ? ["0", ...parts] : parts;
  const issues: FieldIssue[] = [];
  const sets = FIELDS.map((field, index) => {
    try {
      return parseField(texts[index] ?? "", field);
    } catch (error) {
      if (!(error instanceof CronFieldError)) throw error;
      issues.push({ path, message: `${error.message} in "${trimmed}"` });
      return new Set<number>();
    }
  });
  if (issues.length > 0) return issues;
  const [seconds, minutes, hours, daysOfMonth, months, daysOfWeek] = sets as [Set<number>, Set<number>, Set<number>, Set<number>, Set<number>, Set<number>];
  if (daysOfWeek.delete(7)) daysOfWeek.add(0);
  const isRestricted = (text: string | undefined): boolean => !(text?.startsWith("*") || text?.startsWith("?"));
  const ascending = (set: Set<number>): number[] => [...set].sort((a, b) => a - b);
  return Object.freeze({
    source: trimmed,
    seconds: ascending(seconds),
    minutes: ascending(minutes),
    hours: ascending(hours),
    daysOfMonth,
    months,
    daysOfWeek,
    isDayOfMonthRestricted: isRestricted(texts[3]),
    isDayOfWeekRestricted: isRestricted(texts[5]),
  });
}

/** Whether a calendar day (month 1–12, day 1–31, weekday 0 = Sunday) matches the expression's day fields. */
export function cronMatchesDay(expression: CronExpression, month: number, day: number, weekday: number, dayOr = true): boolean {
  if (!expression.months.has(month)) return false;
  const isDayOfMonthMatch = expression.daysOfMonth.has(day);
  const isDayOfWeekMatch = expression.daysOfWeek.has(weekday);
  if (expression.isDayOfMonthRestricted && expression.isDayOfWeekRestricted) {
    return dayOr ? isDayOfMonthMatch || isDayOfWeekMatch : isDayOfMonthMatch && isDayOfWeekMatch;
  }
  return isDayOfMonthMatch && isDayOfWeekMatch;
}
