/**
 * The checks Weir runs on each cron field before croner compiles it, so that a mistake is
 * reported with the field's name and a plain reason ("minute field: 61 is out of range 0-59"),
 * and the one rewrite croner needs: a day-of-week range that wraps past Saturday (`FRI-MON`)
 * spelled out as a list.
 */

/** One field of a cron expression. */
export interface CronFieldSpec {
  name: string;
  min: number;
  max: number;
  /** Names of the values from `min` (months) or from 0 (days of week). */
  names?: readonly string[];
  kind: "time" | "day-of-month" | "month" | "day-of-week";
}

const MONTH_NAMES = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAY_NAMES = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/** The 6 fields, seconds first. */
export const CRON_FIELDS: readonly CronFieldSpec[] = [
  { name: "second", min: 0, max: 59, kind: "time" },
  { name: "minute", min: 0, max: 59, kind: "time" },
  { name: "hour", min: 0, max: 23, kind: "time" },
  { name: "day-of-month", min: 1, max: 31, kind: "day-of-month" },
  { name: "month", min: 1, max: 12, names: MONTH_NAMES, kind: "month" },
  { name: "day-of-week", min: 0, max: 7, names: DAY_NAMES, kind: "day-of-week" },
];

const EXTENSION_HINT = "day-of-month takes L, LW and 15W; day-of-week takes 5L (last Friday) and 1#2 (second Monday)";

class FieldProblem extends Error {}

function valueOf(text: string, field: CronFieldSpec): number {
  const nameIndex = field.names?.indexOf(text.toUpperCase()) ?? -1;
  if (nameIndex >= 0) return field.kind === "month" ? nameIndex + 1 : nameIndex;
  if (/[LW#]/i.test(text) && /^[\dA-Z#]+$/i.test(text)) throw new FieldProblem(`"${text}" is not allowed here (${EXTENSION_HINT})`);
  if (!/^\d+$/.test(text)) throw new FieldProblem(`"${text}" is not a number${field.names ? " or a name" : ""}`);
  const value = Number(text);
  if (value < field.min || value > field.max) throw new FieldProblem(`${value} is out of range ${field.min}-${field.max}`);
  return value;
}

/** An extension item (`L`, `LW`, `15W`, `5L`, `FRIL`, `1#2`, `MON#L`), or false when `item` is none. */
function isExtension(item: string, field: CronFieldSpec): boolean {
  if (field.kind === "day-of-month") {
    if (/^LW?$/i.test(item)) return true;
    const nearest = /^(\d+)W$/i.exec(item);
    if (nearest) return valueOf(nearest[1] ?? "", field) >= 0;
    return false;
  }
  if (field.kind !== "day-of-week") return false;
  const last = /^([A-Z]{3}|\d+)L$/i.exec(item);
  if (last) return valueOf(last[1] ?? "", field) >= 0;
  const nth = /^([A-Z]{3}|\d+)#(.*)$/i.exec(item);
  if (!nth) return false;
  valueOf(nth[1] ?? "", field);
  if (!/^([1-5]|L)$/i.test(nth[2] ?? "")) throw new FieldProblem(`"${item}": the number after # must be 1-5 (or L for the last)`);
  return true;
}

function checkItem(item: string, field: CronFieldSpec, text: string): void {
  if (item === "") throw new FieldProblem(`empty list item in "${text}"`);
  if (isExtension(item, field)) return;
  const [rangeText = "", stepText, extra] = item.split("/");
  if (extra !== undefined) throw new FieldProblem(`"${item}" has more than one "/"`);
  if (stepText !== undefined && (!/^\d+$/.test(stepText) || Number(stepText) === 0)) {
    throw new FieldProblem(`step "${stepText}" must be a positive integer`);
  }
  if (rangeText === "*" || (rangeText === "?" && (field.kind === "day-of-month" || field.kind === "day-of-week"))) return;
  const bounds = rangeText.split("-");
  if (bounds.length > 2) throw new FieldProblem(`bad range "${rangeText}"`);
  const [low, high] = bounds.map((bound) => valueOf(bound, field));
  // Only days of week go round (FRI-MON); any other backwards range is a mistake.
  if (high !== undefined && low !== undefined && low > high && field.kind !== "day-of-week") {
    throw new FieldProblem(`range "${rangeText}" goes backwards`);
  }
}

/** Check one field's text; returns what is wrong with it, or null. */
export function checkCronField(text: string, field: CronFieldSpec): string | null {
  try {
    for (const item of text.split(",")) checkItem(item, field, text);
    return null;
  } catch (error) {
    if (error instanceof FieldProblem) return error.message;
    throw error;
  }
}

const DAY_OF_WEEK = CRON_FIELDS[5] as CronFieldSpec;

/** A checked day-of-week field with its wrapping ranges (`FRI-MON`, `6-1/2`) spelled out as lists of numbers. */
export function spellOutWrappingRanges(text: string): string {
  return text
    .split(",")
    .map((item) => {
      const match = /^([A-Z]{3}|\d+)-([A-Z]{3}|\d+)(?:\/(\d+))?$/i.exec(item);
      if (!match) return item;
      const low = valueOf(match[1] ?? "", DAY_OF_WEEK);
      const high = valueOf(match[2] ?? "", DAY_OF_WEEK);
      if (low <= high) return item;
      const step = Number(match[3] ?? 1);
      const days: number[] = [];
      for (let offset = 0; offset <= (high - low + 14) % 7; offset += step) days.push((low + offset) % 7);
      return days.join(",");
    })
    .join(",");
}
