import { describe, expect, it } from "vitest";
import { canonicalTimeZone } from "../../src/core/schedules/canonical-time-zone.js";
import { canonicalScheduleSpec } from "../../src/core/schedules/next-schedule-times.js";

describe("canonicalTimeZone", () => {
  it("gives one IANA spelling for every spelling of a zone", () => {
    expect(canonicalTimeZone("asia/phnom_penh")).toBe("Asia/Phnom_Penh");
    expect(canonicalTimeZone("ASIA/PHNOM_PENH")).toBe("Asia/Phnom_Penh");
    // ICU reports the old CLDR name; the current IANA name is kept, whichever is given.
    expect(canonicalTimeZone("Asia/Calcutta")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("asia/kolkata")).toBe("Asia/Kolkata");
    expect(canonicalTimeZone("Europe/Kiev")).toBe("Europe/Kyiv");
    expect(canonicalTimeZone("US/Eastern")).toBe("America/New_York");
    for (const utc of ["UTC", "utc", "Etc/UTC", "GMT"]) expect(canonicalTimeZone(utc)).toBe("UTC");
  });

  it("knows no unknown, empty or padded name", () => {
    for (const name of ["Mars/Phobos", "", " UTC", "+05:00", 42, null]) expect(canonicalTimeZone(name)).toBeNull();
  });

  it("canonicalScheduleSpec respells the zone and keeps everything else", () => {
    expect(canonicalScheduleSpec({ interval: 3600, anchorDate: "2026-01-01T09:00", timezone: "europe/london" })).toEqual({ interval: 3600, anchorDate: "2026-01-01T09:00", timezone: "Europe/London" });
    expect(canonicalScheduleSpec({ cron: "0 8 * * *", dayOr: false })).toEqual({ cron: "0 8 * * *", dayOr: false });
  });
});
