/**
 * The cron forms users bring from Quartz and croniter (day-of-week name ranges, wrapping ranges,
 * `L`, `LW`, `W`, `5L`, `#`), each with its UTC instants in two zones and across a daylight-saving
 * change, through the same core function the scheduler, the dashboard's preview
 * (`POST /api/schedules/preview`) and `weir deployment schedule ls` call.
 */
import { describe, expect, it } from "vitest";
import { scheduleTimes, validationMessage } from "./schedule-test-kit.js";

const times = scheduleTimes;

describe("day-of-week name ranges", () => {
  it("sat-sun: New York across the spring-forward weekend (Sun Mar 8 2026) and Phnom Penh", () => {
    expect(times({ cron: "0 9 * * sat-sun", timezone: "America/New_York" }, "2026-03-06T00:00:00Z", "2026-03-16T00:00:00Z")).toEqual([
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-14T13:00:00.000Z",
      "2026-03-15T13:00:00.000Z",
    ]);
    expect(times({ cron: "0 9 * * SAT-SUN", timezone: "Asia/Phnom_Penh" }, "2026-03-06T00:00:00Z", "2026-03-16T00:00:00Z")).toEqual([
      "2026-03-07T02:00:00.000Z",
      "2026-03-08T02:00:00.000Z",
      "2026-03-14T02:00:00.000Z",
      "2026-03-15T02:00:00.000Z",
    ]);
  });

  it("fri-mon wraps past Saturday: London across the fall-back night (01:30 on Sun Oct 25 fires once) and New York", () => {
    expect(times({ cron: "30 1 * * fri-mon", timezone: "Europe/London" }, "2026-10-22T00:00:00Z", "2026-10-31T00:00:00Z")).toEqual([
      "2026-10-23T00:30:00.000Z",
      "2026-10-24T00:30:00.000Z",
      "2026-10-25T00:30:00.000Z",
      "2026-10-26T01:30:00.000Z",
      "2026-10-30T01:30:00.000Z",
    ]);
    expect(times({ cron: "0 12 * * 5-1", timezone: "America/New_York" }, "2026-10-29T00:00:00Z", "2026-11-04T00:00:00Z")).toEqual([
      "2026-10-30T16:00:00.000Z",
      "2026-10-31T16:00:00.000Z",
      "2026-11-01T17:00:00.000Z",
      "2026-11-02T17:00:00.000Z",
    ]);
    // A step over a wrapping range: Friday and Sunday.
    expect(times({ cron: "0 12 * * FRI-MON/2", timezone: "UTC" }, "2026-10-29T00:00:00Z", "2026-11-04T00:00:00Z")).toEqual(["2026-10-30T12:00:00.000Z", "2026-11-01T12:00:00.000Z"]);
  });
});

describe("L, LW and W in day-of-month", () => {
  it("L is the last day of the month (London and New York, March ends in summer time)", () => {
    expect(times({ cron: "0 2 L * *", timezone: "Europe/London" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-28T02:00:00.000Z",
      "2026-03-31T01:00:00.000Z",
      "2026-04-30T01:00:00.000Z",
    ]);
    expect(times({ cron: "30 2 L * *", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-28T07:30:00.000Z",
      "2026-03-31T06:30:00.000Z",
      "2026-04-30T06:30:00.000Z",
    ]);
  });

  it("LW is the last weekday; 15W the weekday nearest the 15th (Sun Mar 15 2026 → Mon 16th)", () => {
    expect(times({ cron: "0 18 LW * *", timezone: "Europe/London" }, "2026-02-01T00:00:00Z", "2026-06-01T00:00:00Z")).toEqual([
      "2026-02-27T18:00:00.000Z",
      "2026-03-31T17:00:00.000Z",
      "2026-04-30T17:00:00.000Z",
      "2026-05-29T17:00:00.000Z",
    ]);
    expect(times({ cron: "0 9 15W * *", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-16T14:00:00.000Z",
      "2026-03-16T13:00:00.000Z",
      "2026-04-15T13:00:00.000Z",
    ]);
    expect(times({ cron: "0 9 15W * *", timezone: "Europe/London" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-16T09:00:00.000Z",
      "2026-03-16T09:00:00.000Z",
      "2026-04-15T08:00:00.000Z",
    ]);
  });
});

describe("5L and # in day-of-week", () => {
  it("5L (and FRIL) is the last Friday: New York and London across March's changes", () => {
    const expected = ["2026-02-27T14:00:00.000Z", "2026-03-27T13:00:00.000Z", "2026-04-24T13:00:00.000Z"];
    expect(times({ cron: "0 9 * * 5L", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual(expected);
    expect(times({ cron: "0 9 * * FRIL", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual(expected);
    expect(times({ cron: "0 9 * * 5L", timezone: "Europe/London" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-27T09:00:00.000Z",
      "2026-03-27T09:00:00.000Z",
      "2026-04-24T08:00:00.000Z",
    ]);
  });

  it("0L at 01:30 in London: the last Sunday of March is the spring-forward day, so that slot does not exist", () => {
    expect(times({ cron: "30 1 * * 0L", timezone: "Europe/London" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-22T01:30:00.000Z",
      "2026-04-26T00:30:00.000Z",
    ]);
  });

  it("1#2 is the second Monday (New York, Mar 9 2026 is the day after the change; Phnom Penh)", () => {
    expect(times({ cron: "0 9 * * 1#2", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-09T14:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
      "2026-04-13T13:00:00.000Z",
    ]);
    expect(times({ cron: "0 9 * * MON#2", timezone: "Asia/Phnom_Penh" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-09T02:00:00.000Z",
      "2026-03-09T02:00:00.000Z",
      "2026-04-13T02:00:00.000Z",
    ]);
  });

  it("0#2 at 02:00 in New York: the second Sunday of March has no 02:00, so only that month is skipped", () => {
    expect(times({ cron: "0 2 * * 0#2", timezone: "America/New_York" }, "2026-02-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-02-08T07:00:00.000Z",
      "2026-04-12T06:00:00.000Z",
    ]);
  });

  it("with seconds, and with a restricted day-of-month (either by default, both with dayOr: false)", () => {
    expect(times({ cron: "15 0 9 * * 1#1", timezone: "UTC" }, "2026-03-01T00:00:00Z", "2026-04-01T00:00:00Z")).toEqual(["2026-03-02T09:00:15.000Z"]);
    // The last day of the month, or the first Monday.
    expect(times({ cron: "0 9 L * 1#1", timezone: "UTC" }, "2026-03-01T00:00:00Z", "2026-05-01T00:00:00Z")).toEqual([
      "2026-03-02T09:00:00.000Z",
      "2026-03-31T09:00:00.000Z",
      "2026-04-06T09:00:00.000Z",
      "2026-04-30T09:00:00.000Z",
    ]);
    // The last day of the month when it is a Friday: Jul 31 2026.
    expect(times({ cron: "0 9 L * FRI", timezone: "UTC", dayOr: false }, "2026-01-01T00:00:00Z", "2026-12-31T00:00:00Z")).toEqual(["2026-07-31T09:00:00.000Z"]);
  });
});

describe("errors name the field", () => {
  it("rejects misplaced or malformed extensions", () => {
    expect(validationMessage({ cron: "0 0 L-3 * *" })).toMatch(/schedule\.cron: day-of-month field: "L" is not allowed here \(day-of-month takes L, LW and 15W/);
    expect(validationMessage({ cron: "0 0 * * L" })).toMatch(/schedule\.cron: day-of-week field: "L" is not allowed here/);
    expect(validationMessage({ cron: "0 L * * *" })).toMatch(/schedule\.cron: hour field: "L" is not allowed here/);
    expect(validationMessage({ cron: "0 0 * * 1#6" })).toMatch(/day-of-week field: "1#6": the number after # must be 1-5/);
    expect(validationMessage({ cron: "0 0 32W * *" })).toMatch(/day-of-month field: 32 is out of range 1-31/);
    expect(validationMessage({ cron: "0 0 * * 9L" })).toMatch(/day-of-week field: 9 is out of range 0-7/);
    // Left to croner, still attributed to the field.
    expect(validationMessage({ cron: "0 0 LW,1 * *" })).toMatch(/schedule\.cron: day-of-month field: .*LW can not be in a list/);
  });
});
