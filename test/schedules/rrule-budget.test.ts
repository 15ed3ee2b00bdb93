/**
 * RRULEs that match rarely or never cannot hold the server (src/core/schedules/rrule-times.ts):
 * the `rrule` package loops forever on an hourly, minutely or secondly rule whose steps never
 * reach its BYHOUR/BYMINUTE/BYSECOND, and searches to the year 9999 for days that never come. A
 * schemathesis run found it: one `POST /api/schedules/preview` of
 * `FREQ=HOURLY;INTERVAL=4;BYHOUR=9` left the server answering nothing. Each case here took from
 * 10 s to forever before the fix; the bounds below are for "it ends", not for speed.
 */
import { describe, expect, it } from "vitest";
import { scheduleTimes } from "./schedule-test-kit.js";
import { createServerTestApp } from "../server/server-test-app.js";

const ENDS_WITHIN_MS = 5000;

function timed<T>(work: () => T): { value: T; ms: number } {
  const started = performance.now();
  const value = work();
  return { value, ms: performance.now() - started };
}

// As stored schedules (compiled without the input check, which refuses the first four: below).
describe("rules that never match end at once, with no slots", () => {
  it.each([
    ["hourly steps that never reach BYHOUR", "DTSTART:20261201T080000\nRRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9"],
    ["minutely steps that never reach BYMINUTE", "DTSTART:20261201T080000\nRRULE:FREQ=MINUTELY;INTERVAL=2;BYMINUTE=1"],
    ["secondly steps that never reach BYSECOND", "DTSTART:20261201T080000\nRRULE:FREQ=SECONDLY;INTERVAL=2;BYSECOND=1,3"],
    ["minutely steps that never reach BYHOUR and BYMINUTE together", "DTSTART:20261201T080000\nRRULE:FREQ=MINUTELY;INTERVAL=30;BYHOUR=9;BYMINUTE=15"],
    // These three days do not exist: the search stops at its budget.
    ["a day that does not exist, daily", "RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30"],
    ["a day that does not exist, hourly", "RRULE:FREQ=HOURLY;BYMONTH=4;BYMONTHDAY=31"],
    ["a day that does not exist, minutely", "RRULE:FREQ=MINUTELY;BYMONTH=4;BYMONTHDAY=31"],
  ])("%s", (_name, rrule) => {
    const { value, ms } = timed(() => scheduleTimes({ rrule, timezone: "America/New_York" }, "2026-12-01T00:00:00Z"));
    expect(value).toEqual([]);
    expect(ms).toBeLessThan(ENDS_WITHIN_MS);
  });
});

describe("rules whose steps do reach their times still fire", () => {
  it("every 4 hours from 09:00 with BYHOUR=9 fires at 09:00 each day", () => {
    expect(scheduleTimes({ rrule: "DTSTART:20261201T090000\nRRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9", timezone: "UTC" }, "2026-12-01T00:00:00Z").slice(0, 3)).toEqual([
      "2026-12-01T09:00:00.000Z",
      "2026-12-02T09:00:00.000Z",
      "2026-12-03T09:00:00.000Z",
    ]);
  });

  it("every 7 minutes with BYHOUR=9;BYMINUTE=0 fires when the steps come round to 09:00", () => {
    // 7 and 1,440 share no factor: every minute of the day is reached, 09:00 once every 7 days.
    const times = scheduleTimes({ rrule: "DTSTART:20261201T000000\nRRULE:FREQ=MINUTELY;INTERVAL=7;BYHOUR=9;BYMINUTE=0", timezone: "UTC" }, "2026-12-01T00:00:00Z").slice(0, 2);
    expect(times).toHaveLength(2);
    for (const time of times) expect(time.slice(11)).toBe("09:00:00.000Z");
    expect(Date.parse(times[1]!) - Date.parse(times[0]!)).toBe(7 * 86_400_000);
  });

  it("a leap day, daily, is found years ahead", () => {
    expect(scheduleTimes({ rrule: "DTSTART:20261201T090000\nRRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=29", timezone: "UTC" }, "2026-12-01T00:00:00Z").slice(0, 2)).toEqual([
      "2028-02-29T09:00:00.000Z",
      "2032-02-29T09:00:00.000Z",
    ]);
  });
});

describe("over HTTP", () => {
  it("a rule whose steps never reach its times is refused naming the field; one whose days never come previews no times; the server goes on answering", async () => {
    const server = await createServerTestApp();
    const preview = (rrule: string) =>
      server.fetch("http://localhost/api/schedules/preview", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ count: 638, schedule: { timezone: "America/New_York", rrule } }),
      });
    try {
      const refused = await preview("RRULE:FREQ=HOURLY;INTERVAL=4;BYHOUR=9");
      expect(refused.status).toBe(422);
      expect(JSON.stringify(await refused.json())).toMatch(/schedule\.rrule.*never fires/);
      const empty = await preview("RRULE:FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30");
      expect(empty.status).toBe(200);
      expect(await empty.json()).toEqual({ times: [] });
      expect((await server.fetch("http://localhost/api/health")).status).toBe(200);
    } finally {
      await server.close();
    }
  });
});
