/**
 * A cron expression, parsed and matched by `croner`: 5 fields (`minute hour day-of-month month
 * day-of-week`) or 6 fields with seconds first (`second minute hour day-of-month month
 * day-of-week`), or a macro (`@yearly`, `@annually`, `@monthly`, `@weekly`, `@daily`,
 * `@midnight`, `@hourly`).
 *
 * Each field takes `*`, numbers, ranges `a-b`, steps `*\/n`, `a-b/n`, `a/n`, and comma lists;
 * months take `JAN`–`DEC` and days of week `SUN`–`SAT` (case-insensitive, `0` and `7` are both
 * Sunday); `?` means `*` in the two day fields. A day-of-week range may wrap past Saturday
 * (`FRI-MON` = Friday to Monday). The Quartz and croniter extensions: `L` (last day of the month),
 * `LW` (last weekday of the month) and `15W` (the weekday nearest the 15th, within the month) in
 * day-of-month; `5L` or `FRIL` (last Friday of the month) and `1#2` or `MON#2` (second Monday) in
 * day-of-week.
 *
 * Day matching follows Vixie cron (and Prefect's `day_or`): when both day-of-month and day-of-week
 * are restricted (neither starts with `*` or `?`), a day matches if *either* matches (`dayOr`,
 * the default) or only if *both* match (`dayOr: false`); when one of them starts with `*` or `?`,
 * a day must match both.
 *
 * Weir checks each field first, so that an error names the field; croner then compiles the
 * pattern and finds matching wall-clock times (see cron-times.ts for the time-zone policy).
 */
import { Cron } from "croner";
import type { FieldIssue } from "../weir-error.js";
import { checkCronField, CRON_FIELDS, spellOutWrappingRanges } from "./cron-field-check.js";

/** A checked cron expression. */
export interface CronExpression {
  /** The expression as given (trimmed). */
  source: string;
  /** The 6-field pattern croner compiles (macro expanded, seconds first, wrapping ranges spelled out). */
  pattern: string;
  isDayOfMonthRestricted: boolean;
  isDayOfWeekRestricted: boolean;
}

const MACROS: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * 0",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

const compiled = new WeakMap<CronExpression, Map<boolean, Cron>>();

function compileCron(pattern: string, dayOr: boolean, restricted: { dom: boolean; dow: boolean }): Cron {
  // Croner reads `*` only (not `*/2`) as unrestricted; Weir follows Vixie, so it picks the logic.
  const isOr = dayOr && restricted.dom && restricted.dow;
  // utcOffset 0: croner walks wall-clock time with no zone; cron-times.ts places it in the zone.
  return new Cron(pattern, { utcOffset: 0, mode: "6-part", sloppyRanges: true, domAndDow: !isOr });
}

function cronerMessage(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/^CronPattern:\s*/, "");
}

/** Croner's own complaint, attributed to the first field it rejects on its own. */
function cronerIssue(fields: string[], error: unknown): string {
  for (const [index, field] of CRON_FIELDS.entries()) {
    const probe = fields.map((text, other) => (other === index ? text : "*"));
    try {
      new Cron(probe.join(" "), { utcOffset: 0, mode: "6-part", sloppyRanges: true });
    } catch (fieldError) {
      return `${field.name} field: ${cronerMessage(fieldError)}`;
    }
  }
  return cronerMessage(error);
}

/**
 * Parse a cron expression; returns the checked expression or the issues found, each naming
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
  for (const [index, field] of CRON_FIELDS.entries()) {
    const problem = checkCronField(texts[index] ?? "", field);
    if (problem !== null) issues.push({ path, message: `${field.name} field: ${problem} in "${trimmed}"` });
  }
  if (issues.length > 0) return issues;
  const fields = texts.map((text, index) => (index === 5 ? spellOutWrappingRanges(text) : text));
  const isRestricted = (text: string | undefined): boolean => !(text?.startsWith("*") || text?.startsWith("?"));
  const expression: CronExpression = Object.freeze({
    source: trimmed,
    pattern: fields.join(" "),
    isDayOfMonthRestricted: isRestricted(texts[3]),
    isDayOfWeekRestricted: isRestricted(texts[5]),
  });
  try {
    cronOf(expression, true);
    cronOf(expression, false);
  } catch (error) {
    return [{ path, message: `${cronerIssue(fields, error)} in "${trimmed}"` }];
  }
  return expression;
}

/** The croner job (never started) that finds the expression's wall-clock times. */
function cronOf(expression: CronExpression, dayOr: boolean): Cron {
  let byDayOr = compiled.get(expression);
  if (!byDayOr) {
    byDayOr = new Map();
    compiled.set(expression, byDayOr);
  }
  let cron = byDayOr.get(dayOr);
  if (!cron) {
    cron = compileCron(expression.pattern, dayOr, { dom: expression.isDayOfMonthRestricted, dow: expression.isDayOfWeekRestricted });
    byDayOr.set(dayOr, cron);
  }
  return cron;
}

/**
 * The first wall time (see wall-time.ts) strictly after `afterWall` that the expression matches,
 * in whole seconds, or null when croner finds none (it looks 400 years ahead, up to the year 3000).
 */
export function nextCronWallTime(expression: CronExpression, afterWall: number, dayOr = true): number | null {
  return cronOf(expression, dayOr).nextRun(new Date(afterWall))?.getTime() ?? null;
}

/** Whether a wall time (whole seconds) matches the expression. */
export function cronMatchesWallTime(expression: CronExpression, wall: number, dayOr = true): boolean {
  return cronOf(expression, dayOr).match(new Date(wall));
}
