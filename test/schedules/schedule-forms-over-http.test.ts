/**
 * The new schedule forms through the server, as the dashboard's schedule editor (preview, then
 * POST of the schedule) and `weir deployment schedule create` (the client's
 * `createDeploymentSchedule`) send them: a cron with `L`/`#`/a wrapping range, a one-line RRULE
 * set, and a time zone in lower case, which is stored canonically. Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServerTestApp, type ServerTestApp } from "../server/server-test-app.js";

describe("new schedule forms over HTTP", () => {
  let server: ServerTestApp;
  beforeAll(async () => {
    server = await createServerTestApp();
  });
  afterAll(async () => server?.close());

  async function preview(schedule: Record<string, unknown>, after: string, count: number): Promise<unknown> {
    const response = await server.fetch("http://localhost/api/schedules/preview", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ schedule, after, count }),
    });
    return response.json();
  }

  it("the preview answers the cron extensions and a one-line RRULE set", async () => {
    expect(await preview({ cron: "0 9 * * 5L", timezone: "america/new_york" }, "2026-02-01T00:00:00Z", 2)).toEqual({
      times: ["2026-02-27T14:00:00.000Z", "2026-03-27T13:00:00.000Z"],
    });
    expect(await preview({ cron: "0 12 * * fri-mon", timezone: "Asia/Phnom_Penh" }, "2026-03-05T00:00:00Z", 4)).toEqual({
      times: ["2026-03-06T05:00:00.000Z", "2026-03-07T05:00:00.000Z", "2026-03-08T05:00:00.000Z", "2026-03-09T05:00:00.000Z"],
    });
    const rrule = "DTSTART:20260305T090000 RRULE:FREQ=DAILY;COUNT=4 EXDATE:20260306T090000";
    expect(await preview({ rrule, timezone: "America/New_York" }, "2026-03-01T00:00:00Z", 5)).toEqual({
      times: ["2026-03-05T14:00:00.000Z", "2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z"],
    });
    const bad = (await preview({ cron: "0 9 * * 1#6" }, "2026-03-01T00:00:00Z", 1)) as { error: { message: string } };
    expect(bad.error.message).toMatch(/schedule\.cron: day-of-week field: "1#6"/);
  });

  it("a schedule created as the CLI and the dashboard do is stored with its canonical zone", async () => {
    const deployment = await server.client.upsertDeployment({ name: "monthly", flowName: "schedule-forms", entrypoint: "flows.ts:flow" });
    const created = await server.client.createDeploymentSchedule(deployment.id, { schedule: { cron: "0 9 * * 1#2", timezone: "asia/phnom_penh" } });
    expect(created.schedule).toEqual({ cron: "0 9 * * 1#2", timezone: "Asia/Phnom_Penh" });
    const rrule = await server.client.createDeploymentSchedule(deployment.id, { schedule: { rrule: "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12\nEXDATE;VALUE=DATE:20261231", timezone: "europe/london" } });
    expect(rrule.schedule).toEqual({ rrule: "RRULE:FREQ=MONTHLY;BYMONTHDAY=-1;COUNT=12\nEXDATE;VALUE=DATE:20261231", timezone: "Europe/London" });
    expect((await server.client.readDeployment(deployment.id)).schedules.map((schedule) => schedule.schedule.timezone)).toEqual(["Asia/Phnom_Penh", "Europe/London"]);
  });
});
