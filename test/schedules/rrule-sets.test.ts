/**
 * RRULE schedules as RFC 5545 recurrence sets: COUNT, several RRULE lines, RDATE and EXDATE, each
 * with its UTC instants in two zones and across a daylight-saving change, through the core
 * function the scheduler, the dashboard's preview and the CLI call. The one-line form (properties
 * separated by spaces) is what the dashboard's one-line input and `--rrule` send.
 */
import { describe, expect, it } from "vitest";
import { canonicalScheduleSpec, nextScheduleTimes } from "../../src/core/schedules/next-schedule-times.js";
import { scheduleTimes, validationMessage } from "./schedule-test-kit.js";

const times = scheduleTimes;

describe("COUNT", () => {
  it("ends the schedule after COUNT occurrences: New York across Mar 8 2026, London across Mar 29", () => {
    const rule = "DTSTART:20260305T090000\nRRULE:FREQ=DAILY;COUNT=5";
    expect(times({ rrule: rule, timezone: "America/New_York" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-05T14:00:00.000Z",
      "2026-03-06T14:00:00.000Z",
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
    ]);
    // Asked from the middle, the count still runs from DTSTART.
    expect(times({ rrule: rule, timezone: "America/New_York" }, "2026-03-07T15:00:00Z")).toEqual(["2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    expect(times({ rrule: "DTSTART:20260327T090000\nRRULE:FREQ=DAILY;COUNT=4", timezone: "Europe/London" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-27T09:00:00.000Z",
      "2026-03-28T09:00:00.000Z",
      "2026-03-29T08:00:00.000Z",
      "2026-03-30T08:00:00.000Z",
    ]);
  });

  it("an occurrence at a local time that does not exist is skipped and still counted", () => {
    expect(times({ rrule: "DTSTART:20260307T023000\nRRULE:FREQ=DAILY;COUNT=3", timezone: "America/New_York" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-07T07:30:00.000Z",
      "2026-03-09T06:30:00.000Z",
    ]);
  });
});

describe("several RRULE lines", () => {
  it("merges them in time order (Mondays 09:00 and Fridays 17:00): New York across Mar 8, and Phnom Penh", () => {
    const rule = "DTSTART:20260302T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO\nRRULE:FREQ=WEEKLY;BYDAY=FR;BYHOUR=17";
    expect(times({ rrule: rule, timezone: "America/New_York" }, "2026-03-01T00:00:00Z", "2026-03-14T00:00:00Z")).toEqual([
      "2026-03-02T14:00:00.000Z",
      "2026-03-06T22:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
      "2026-03-13T21:00:00.000Z",
    ]);
    expect(nextScheduleTimes({ rrule: rule, timezone: "Asia/Phnom_Penh" }, { after: new Date("2026-03-01T00:00:00Z"), count: 4 }).map((date) => date.toISOString())).toEqual([
      "2026-03-02T02:00:00.000Z",
      "2026-03-06T10:00:00.000Z",
      "2026-03-09T02:00:00.000Z",
      "2026-03-13T10:00:00.000Z",
    ]);
  });

  it("an instant two rules share fires once; each rule keeps its own COUNT", () => {
    const rule = "DTSTART:20260302T090000\nRRULE:FREQ=DAILY;COUNT=3\nRRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=4";
    expect(times({ rrule: rule, timezone: "Europe/London" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-02T09:00:00.000Z",
      "2026-03-03T09:00:00.000Z",
      "2026-03-04T09:00:00.000Z",
      "2026-03-09T09:00:00.000Z",
      "2026-03-11T09:00:00.000Z",
    ]);
  });
});

describe("RDATE and EXDATE", () => {
  it("RDATE adds local, UTC and whole-day dates to the rule: New York across Mar 8, and London", () => {
    const rule = "DTSTART:20260301T090000\nRRULE:FREQ=WEEKLY;BYDAY=SU\nRDATE:20260310T120000,20260311T120000Z\nRDATE;VALUE=DATE:20260312";
    expect(times({ rrule: rule, timezone: "America/New_York" }, "2026-02-28T00:00:00Z", "2026-03-16T00:00:00Z")).toEqual([
      "2026-03-01T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-10T16:00:00.000Z",
      "2026-03-11T12:00:00.000Z",
      "2026-03-12T13:00:00.000Z",
      "2026-03-15T13:00:00.000Z",
    ]);
    expect(times({ rrule: rule, timezone: "Europe/London" }, "2026-02-28T00:00:00Z", "2026-03-16T00:00:00Z")).toEqual([
      "2026-03-01T09:00:00.000Z",
      "2026-03-08T09:00:00.000Z",
      "2026-03-10T12:00:00.000Z",
      "2026-03-11T12:00:00.000Z",
      "2026-03-12T09:00:00.000Z",
      "2026-03-15T09:00:00.000Z",
    ]);
  });

  it("RDATE alone makes a schedule; an ambiguous local RDATE fires at its first occurrence, a UTC one at its instant", () => {
    const rule = "RDATE;TZID=Europe/London:20261025T013000\nRDATE:20261025T013000Z";
    expect(times({ rrule: rule }, "2026-10-01T00:00:00Z")).toEqual(["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]);
    expect(times({ rrule: "RDATE:20261025T013000", timezone: "Europe/London" }, "2026-10-01T00:00:00Z")).toEqual(["2026-10-25T00:30:00.000Z"]);
  });

  it("EXDATE removes a local time, a UTC instant, a TZID time or a whole day: New York and London", () => {
    const rule = "DTSTART:20260305T090000\nRRULE:FREQ=DAILY;COUNT=7\nEXDATE:20260306T090000,20260308T130000Z\nEXDATE;VALUE=DATE:20260310";
    expect(times({ rrule: rule, timezone: "America/New_York" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-05T14:00:00.000Z",
      "2026-03-07T14:00:00.000Z",
      "2026-03-09T13:00:00.000Z",
      "2026-03-11T13:00:00.000Z",
    ]);
    const london = "DTSTART;TZID=Europe/London:20260327T090000\nRRULE:FREQ=DAILY\nEXDATE;TZID=Europe/London:20260329T090000\nEXDATE;TZID=America/New_York:20260330T040000";
    expect(times({ rrule: london }, "2026-03-26T00:00:00Z", "2026-04-01T00:00:00Z")).toEqual([
      "2026-03-27T09:00:00.000Z",
      "2026-03-28T09:00:00.000Z",
      "2026-03-31T08:00:00.000Z",
    ]);
  });

  it("takes the properties on one line, as a one-line input sends them", () => {
    const oneLine = "DTSTART:20260305T090000 RRULE:FREQ=DAILY;COUNT=4 EXDATE:20260306T090000 RDATE:20260320T180000";
    expect(times({ rrule: oneLine, timezone: "America/New_York" }, "2026-03-01T00:00:00Z")).toEqual([
      "2026-03-05T14:00:00.000Z",
      "2026-03-07T14:00:00.000Z",
      "2026-03-08T13:00:00.000Z",
      "2026-03-20T22:00:00.000Z",
    ]);
  });
});

describe("time zones of an RRULE", () => {
  it("a UTC UNTIL is read in the DTSTART's TZID zone", () => {
    const rule = "DTSTART;TZID=Asia/Phnom_Penh:20260105T080000\nRRULE:FREQ=DAILY;UNTIL=20260107T010000Z";
    expect(times({ rrule: rule }, "2026-01-01T00:00:00Z")).toEqual(["2026-01-05T01:00:00.000Z", "2026-01-06T01:00:00.000Z", "2026-01-07T01:00:00.000Z"]);
  });

  it("a TZID in another spelling of the schedule's zone is the same zone, and is stored canonically", () => {
    const spec = { rrule: "DTSTART;TZID=asia/phnom_penh:20260105T080000\nRRULE:FREQ=DAILY;COUNT=1", timezone: "Asia/Phnom_Penh" };
    expect(times(spec, "2026-01-01T00:00:00Z")).toEqual(["2026-01-05T01:00:00.000Z"]);
    expect(canonicalScheduleSpec(spec)).toEqual({ rrule: "DTSTART;TZID=Asia/Phnom_Penh:20260105T080000\nRRULE:FREQ=DAILY;COUNT=1", timezone: "Asia/Phnom_Penh" });
    expect(validationMessage({ rrule: spec.rrule, timezone: "Europe/London" })).toMatch(/schedule\.timezone: "Europe\/London" differs from the rule's TZID "Asia\/Phnom_Penh"/);
  });
});

describe("errors name the rrule field", () => {
  it("rejects what it does not take, saying why", () => {
    expect(validationMessage({ rrule: "FREQ=DAILY\nEXRULE:FREQ=WEEKLY" })).toMatch(/schedule\.rrule: EXRULE is deprecated by RFC 5545/);
    expect(validationMessage({ rrule: "FREQ=DAILY\nSUMMARY:standup" })).toMatch(/schedule\.rrule: unknown line "SUMMARY"/);
    expect(validationMessage({ rrule: "FREQ=DAILY\nRDATE:20260230T090000" })).toMatch(/schedule\.rrule: RDATE: "20260230T090000" is not a valid date/);
    expect(validationMessage({ rrule: "FREQ=DAILY\nEXDATE:tomorrow" })).toMatch(/schedule\.rrule: EXDATE: "tomorrow" is not a date/);
    expect(validationMessage({ rrule: "FREQ=DAILY;COUNT=3;UNTIL=20260101T000000Z" })).toMatch(/both COUNT and UNTIL/);
    expect(validationMessage({ rrule: "DTSTART:20260101T000000\nDTSTART:20260102T000000\nFREQ=DAILY" })).toMatch(/more than one DTSTART/);
    expect(validationMessage({ rrule: "DTSTART:20260101T000000" })).toMatch(/at least one RRULE \(or FREQ=…\) or RDATE line/);
    expect(validationMessage({ rrule: "RDATE;VALUE=PERIOD:20260101T000000Z/PT1H" })).toMatch(/VALUE=PERIOD is not supported/);
    expect(validationMessage({ rrule: "DTSTART;TZID=Mars/Phobos:20260101T000000\nFREQ=DAILY" })).toMatch(/schedule\.rrule: unknown time zone "Mars\/Phobos" in TZID/);
  });
});

describe("a COUNT rule anchored long ago", () => {
  it("gives the same times as expanding it from DTSTART (the expansion skips whole periods)", () => {
    for (const rrule of [
      "DTSTART:20240101T120000\nRRULE:FREQ=DAILY;BYHOUR=9,17;BYMINUTE=15;COUNT=1500",
      "DTSTART:20240103T080000\nRRULE:FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,FR;BYHOUR=9,18;COUNT=300",
      "DTSTART:20240101T001000\nRRULE:FREQ=HOURLY;INTERVAL=3;BYMINUTE=0,30;COUNT=7000",
      "DTSTART:20240101T000000\nRRULE:FREQ=DAILY;BYMONTHDAY=1,15;COUNT=40",
    ]) {
      const all = times({ rrule }, "2023-12-31T00:00:00Z", "2030-01-01T00:00:00Z");
      expect(all).toHaveLength(Number(/COUNT=(\d+)/.exec(rrule)![1]));
      const middle = all[all.length - 11]!;
      expect(times({ rrule }, middle, "2030-01-01T00:00:00Z")).toEqual(all.slice(-10));
      expect(nextScheduleTimes({ rrule }, { after: new Date(middle), count: 3 }).map((date) => date.toISOString())).toEqual(all.slice(-10, -7));
    }
  });
});
