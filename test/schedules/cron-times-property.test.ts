/**
 * Property: for random cron expressions (with the L, W and # extensions) in zones with daylight
 * saving, the computed slots equal a brute-force scan of every UTC minute in the window that shows
 * a matching local time, keeping only the first occurrence of a repeated local time.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronMatchesWallTime, parseCronExpression, type CronExpression } from "../../src/core/schedules/cron-expression.js";
import { cronTimes } from "../../src/core/schedules/cron-times.js";
import { wallTimeOf } from "../../src/core/schedules/wall-time.js";

const ZONES_AND_CHANGES: [string, string[]][] = [
  ["America/New_York", ["2026-03-08T07:00:00Z", "2026-11-01T06:00:00Z"]],
  ["Europe/London", ["2026-03-29T01:00:00Z", "2026-10-25T01:00:00Z"]],
  ["Australia/Lord_Howe", ["2026-04-04T15:00:00Z", "2026-10-03T15:30:00Z"]],
  ["Pacific/Chatham", ["2026-04-04T14:00:00Z", "2026-09-26T14:00:00Z"]],
  ["America/Sao_Paulo", ["2026-03-01T00:00:00Z"]],
  ["Asia/Kolkata", ["2026-06-01T00:00:00Z"]],
];

function matches(expression: CronExpression, wall: number): boolean {
  return cronMatchesWallTime(expression, wall);
}

function bruteForce(expression: CronExpression, timeZone: string, afterMs: number, untilMs: number): number[] {
  const times: number[] = [];
  for (let t = Math.floor(afterMs / 60_000) * 60_000 + 60_000; t <= untilMs; t += 60_000) {
    const wall = wallTimeOf(t, timeZone);
    if (!matches(expression, wall)) continue;
    // Shown earlier already (the clocks went back 30, 60 or 120 minutes)? Then it fired then.
    const isRepeat = [30, 60, 120].some((minutes) => wallTimeOf(t - minutes * 60_000, timeZone) === wall);
    if (!isRepeat) times.push(t);
  }
  return times;
}

describe("cronTimes against a brute-force scan", () => {
  it("agrees around daylight-saving changes", () => {
    const field = (options: string[]) => fc.constantFrom(...options);
    const cron = fc
      .tuple(
        field(["*", "*/15", "0", "30", "0,30", "5-10", "45"]),
        field(["*", "2", "1-3", "*/6", "0", "1", "23"]),
        field(["*", "*", "1", "8", "1-15", "25-31", "L", "LW", "8W"]),
        field(["*", "*", "3", "3,11", "10-11", "4,9"]),
        field(["*", "*", "0", "1-5", "SUN", "SAT", "sat-sun", "FRI-MON", "0L", "0#1", "SUN#2"]),
      )
      .map((parts) => parts.join(" "));
    const window = fc.tuple(fc.constantFrom(...ZONES_AND_CHANGES), fc.nat(3), fc.integer({ min: -36, max: 12 })).map(([[zone, changes], pick, hours]) => ({
      zone,
      afterMs: Date.parse(changes[pick % changes.length]!) + hours * 3_600_000 + 17_000,
    }));
    fc.assert(
      fc.property(cron, window, (text, { zone, afterMs }) => {
        const expression = parseCronExpression(text);
        if (Array.isArray(expression)) throw new Error(`generator made a bad cron: ${text}`);
        const untilMs = afterMs + 48 * 3_600_000;
        const computed = cronTimes(expression, { timeZone: zone, afterMs, untilMs, count: 10_000 });
        expect(computed).toEqual(bruteForce(expression, zone, afterMs, untilMs));
      }),
      { numRuns: 60 },
    );
  });
});
