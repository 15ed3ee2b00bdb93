import { describe, expect, it } from "vitest";
import { nextScheduleTimes, validateScheduleSpec } from "../../src/core/schedules/next-schedule-times.js";
import type { ScheduleSpec } from "../../src/core/models.js";
import { isWeirError } from "../../src/core/weir-error.js";

const iso = (dates: Date[]): string[] => dates.map((date) => date.toISOString());
const times = (spec: ScheduleSpec, after: string, until: string): string[] =>
  iso(nextScheduleTimes(spec, { after: new Date(after), until: new Date(until) }));

/** The local date and time an instant shows in a zone ("2026-03-08 03:30"). */
function local(instant: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat("sv-SE", { timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  return f.format(new Date(instant));
}

function validationMessage(spec: unknown): string {
  try {
    validateScheduleSpec(spec as ScheduleSpec);
  } catch (error) {
    expect(isWeirError(error)).toBe(true);
    if (isWeirError(error)) {
      expect(error.code).toBe("VALIDATION");
      return error.message;
    }
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}

describe("the tutorial schedule", () => {
  it("0 8 * * * in Asia/Phnom_Penh runs next at 01:00 UTC", () => {
    const spec = { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" };
    expect(iso(nextScheduleTimes(spec, { after: new Date("2026-11-26T18:00:00Z") }))).toEqual(["2026-11-27T01:00:00.000Z"]);
    expect(iso(nextScheduleTimes(spec, { after: new Date("2026-11-26T00:30:00Z"), count: 2 }))).toEqual([
      "2026-11-26T01:00:00.000Z",
      "2026-11-27T01:00:00.000Z",
    ]);
  });
});

describe("cron across daylight-saving changes", () => {
  it("30 2 * * * in America/New_York skips only the non-existent 02:30 of Mar 8 2026", () => {
    const result = times({ cron: "30 2 * * *", timezone: "America/New_York" }, "2026-03-05T00:00:00Z", "2026-03-11T23:59:59Z");
    expect(result.map((t) => local(t, "America/New_York"))).toEqual([
      "2026-03-05 02:30",
      "2026-03-06 02:30",
      "2026-03-07 02:30",
      "2026-03-09 02:30",
      "2026-03-10 02:30",
      "2026-03-11 02:30",
    ]);
    expect(result[2]).toBe("2026-03-07T07:30:00.000Z");
    expect(result[3]).toBe("2026-03-09T06:30:00.000Z");
  });

  it("30 2 * * * in America/New_York fires once a day across Nov 1 2026", () => {
    const result = times({ cron: "30 2 * * *", timezone: "America/New_York" }, "2026-10-30T00:00:00Z", "2026-11-03T23:59:59Z");
    expect(result).toEqual([
      "2026-10-30T06:30:00.000Z",
      "2026-10-31T06:30:00.000Z",
      "2026-11-01T07:30:00.000Z",
      "2026-11-02T07:30:00.000Z",
      "2026-11-03T07:30:00.000Z",
    ]);
  });

  it("an ambiguous local time (01:30 on Nov 1 in New York) fires once, at its first occurrence", () => {
    const spec = { cron: "30 1 * * *", timezone: "America/New_York" };
    expect(times(spec, "2026-10-31T12:00:00Z", "2026-11-02T12:00:00Z")).toEqual(["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    // Asked from inside the repeated hour (after the first 01:30 fired), it does not fire again.
    expect(times(spec, "2026-11-01T06:10:00Z", "2026-11-02T12:00:00Z")).toEqual(["2026-11-02T06:30:00.000Z"]);
  });

  it("0 1 * * * in Europe/London: Mar 29 01:00 does not exist, Oct 25 01:00 fires once", () => {
    const spring = times({ cron: "0 1 * * *", timezone: "Europe/London" }, "2026-03-27T00:00:00Z", "2026-03-31T23:59:59Z");
    expect(spring).toEqual(["2026-03-27T01:00:00.000Z", "2026-03-28T01:00:00.000Z", "2026-03-30T00:00:00.000Z", "2026-03-31T00:00:00.000Z"]);
    const autumn = times({ cron: "0 1 * * *", timezone: "Europe/London" }, "2026-10-22T12:00:00Z", "2026-10-27T23:59:59Z");
    expect(autumn).toEqual([
      "2026-10-23T00:00:00.000Z",
      "2026-10-24T00:00:00.000Z",
      "2026-10-25T00:00:00.000Z",
      "2026-10-26T01:00:00.000Z",
      "2026-10-27T01:00:00.000Z",
    ]);
  });

  it("an hourly cron across both New York changes has no duplicate and skips only the missing hour", () => {
    for (const [from, to, expectedCount] of [
      ["2026-03-08T00:00:00Z", "2026-03-09T00:00:00Z", 24],
      ["2026-11-01T00:00:00Z", "2026-11-02T00:00:00Z", 23],
    ] as const) {
      const result = times({ cron: "0 * * * *", timezone: "America/New_York" }, from, to);
      expect(new Set(result).size).toBe(result.length);
      expect([...result].sort()).toEqual(result);
      // 24 UTC hours each time; spring: every UTC hour is a whole local hour (02:00 just does not
      // exist); autumn: local 01:00 happens twice and fires once.
      expect(result.length).toBe(expectedCount);
    }
  });
});

describe("cron syntax", () => {
  it("takes 6 fields with seconds first, names, ranges, steps and lists", () => {
    expect(times({ cron: "*/20 0 0 * * *" }, "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")).toEqual([
      "2026-01-01T00:00:20.000Z",
      "2026-01-01T00:00:40.000Z",
    ]);
    // 2026-01-05 is a Monday.
    expect(times({ cron: "0 9 * JAN MON-WED,FRI" }, "2026-01-04T00:00:00Z", "2026-01-10T00:00:00Z").map((t) => t.slice(0, 10))).toEqual([
      "2026-01-05",
      "2026-01-06",
      "2026-01-07",
      "2026-01-09",
    ]);
    expect(times({ cron: "0 0 * * 7" }, "2026-01-01T00:00:00Z", "2026-01-12T00:00:00Z")).toEqual(["2026-01-04T00:00:00.000Z", "2026-01-11T00:00:00.000Z"]);
    expect(times({ cron: "@hourly" }, "2026-01-01T00:00:00Z", "2026-01-01T02:00:00Z")).toHaveLength(2);
  });

  it("dayOr: restricted day-of-month and day-of-week match either (default) or both", () => {
    // The 13th, or any Friday, in Feb 2026 (Fridays: 6, 13, 20, 27).
    const either = times({ cron: "0 0 13 * FRI" }, "2026-02-01T00:00:00Z", "2026-02-28T00:00:00Z").map((t) => t.slice(8, 10));
    expect(either).toEqual(["06", "13", "20", "27"]);
    const both = times({ cron: "0 0 13 * FRI", dayOr: false }, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z").map((t) => t.slice(0, 10));
    expect(both).toEqual(["2026-02-13", "2026-03-13", "2026-11-13"]);
    // A day-of-week starting with * does not widen the match (Vixie): the 13th that is a Sun/Tue/Thu/Sat.
    expect(times({ cron: "0 0 13 * */2" }, "2026-01-01T00:00:00Z", "2026-03-01T00:00:00Z").map((t) => t.slice(0, 10))).toEqual(["2026-01-13"]);
  });

  it("names the bad cron field", () => {
    expect(validationMessage({ cron: "61 * * * *" })).toMatch(/schedule\.cron: minute field: 61 is out of range 0-59/);
    expect(validationMessage({ cron: "0 8 * * FUNDAY" })).toMatch(/day-of-week field: "FUNDAY"/);
    expect(validationMessage({ cron: "0 8 * *" })).toMatch(/expected 5 fields/);
    expect(validationMessage({ cron: "0 0 30 2 *" })).toMatch(/never fires/);
    expect(validationMessage({ cron: "0 5-2 * * *" })).toMatch(/hour field: range "5-2" goes backwards/);
    expect(validationMessage({ cron: "0 0 L-3 * *" })).toMatch(/day-of-month field: "L" is not allowed here/);
  });

  it("refuses an RRULE whose steps never reach the times of day it admits, and keeps one that has an RDATE or does reach them", () => {
    expect(validationMessage({ rrule: "DTSTART:20261201T080000\nRRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9" })).toMatch(/schedule\.rrule: never fires/);
    expect(validationMessage({ rrule: "DTSTART:20261201T080000\nRRULE:FREQ=MINUTELY;INTERVAL=30;BYHOUR=9;BYMINUTE=15" })).toMatch(/never fires/);
    expect(() => validateScheduleSpec({ rrule: "DTSTART:20261201T080000\nRRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9\nRDATE:20261224T090000" })).not.toThrow();
    expect(() => validateScheduleSpec({ rrule: "DTSTART:20261201T090000\nRRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9" })).not.toThrow();
  });

  it("rejects an unknown time zone with a clear message", () => {
    expect(validationMessage({ cron: "0 8 * * *", timezone: "Mars/Phobos" })).toMatch(/schedule\.timezone: unknown time zone "Mars\/Phobos"/);
    expect(validationMessage({ interval: 60, timezone: "" })).toMatch(/schedule\.timezone/);
    expect(validationMessage({ cron: "0 8 * * *", interval: 5 })).toMatch(/exactly one/);
    expect(validationMessage({ interval: -5 })).toMatch(/schedule\.interval: must be a positive number/);
    expect(validationMessage({ interval: 60, anchorDate: "yesterday" })).toMatch(/schedule\.anchorDate/);
    expect(validationMessage({ rrule: "FREQ=SOMETIMES" })).toMatch(/schedule\.rrule/);
  });
});

describe("interval schedules", () => {
  it("counts from the anchor, before and after it", () => {
    const spec = { interval: 90, anchorDate: "2026-01-01T00:00:00Z" };
    expect(times(spec, "2026-01-01T00:01:00Z", "2026-01-01T00:05:00Z")).toEqual([
      "2026-01-01T00:01:30.000Z",
      "2026-01-01T00:03:00.000Z",
      "2026-01-01T00:04:30.000Z",
    ]);
    expect(times(spec, "2025-12-31T23:57:00Z", "2026-01-01T00:00:00Z")).toEqual(["2025-12-31T23:58:30.000Z", "2026-01-01T00:00:00.000Z"]);
  });

  it("a daily interval keeps local wall time across DST; a local anchor is read in the zone", () => {
    const spec = { interval: 86_400, anchorDate: "2026-01-01T09:00", timezone: "America/New_York" };
    const result = times(spec, "2026-03-06T00:00:00Z", "2026-03-10T00:00:00Z");
    expect(result.map((t) => local(t, "America/New_York"))).toEqual(["2026-03-06 09:00", "2026-03-07 09:00", "2026-03-08 09:00", "2026-03-09 09:00"]);
    expect(result[0]).toBe("2026-03-06T14:00:00.000Z");
    expect(result[3]).toBe("2026-03-09T13:00:00.000Z");
  });

  it("a sub-daily interval is a fixed duration across DST", () => {
    const result = times({ interval: 3600, timezone: "America/New_York" }, "2026-11-01T04:30:00Z", "2026-11-01T08:30:00Z");
    expect(result).toEqual(["2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z", "2026-11-01T07:00:00.000Z", "2026-11-01T08:00:00.000Z"]);
  });
});

describe("RRULE schedules", () => {
  it("expands in the schedule's zone with the DST policy", () => {
    const spec = { rrule: "DTSTART:20260101T023000\nRRULE:FREQ=DAILY", timezone: "America/New_York" };
    const result = times(spec, "2026-03-07T00:00:00Z", "2026-03-09T23:00:00Z");
    expect(result).toEqual(["2026-03-07T07:30:00.000Z", "2026-03-09T06:30:00.000Z"]);
  });

  it("takes TZID, BYDAY and UNTIL, and stays fast for a minutely rule anchored long ago", () => {
    const weekly = { rrule: "DTSTART;TZID=Asia/Phnom_Penh:20260105T080000\nRRULE:FREQ=WEEKLY;BYDAY=MO,FR;UNTIL=20260117T000000" };
    expect(times(weekly, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual([
      "2026-01-05T01:00:00.000Z",
      "2026-01-09T01:00:00.000Z",
      "2026-01-12T01:00:00.000Z",
      "2026-01-16T01:00:00.000Z",
    ]);
    const started = performance.now();
    const minutely = nextScheduleTimes({ rrule: "FREQ=MINUTELY;INTERVAL=7" }, { after: new Date("2026-06-01T00:00:00Z"), count: 3 });
    expect(performance.now() - started).toBeLessThan(500);
    // Anchored at 2020-01-01T00:00Z: every slot is a multiple of 7 minutes from it.
    for (const time of minutely) expect((time.getTime() - Date.UTC(2020, 0, 1)) % (7 * 60_000)).toBe(0);
    expect(minutely[1]!.getTime() - minutely[0]!.getTime()).toBe(7 * 60_000);
  });
});
