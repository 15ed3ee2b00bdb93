/**
 * Two spellings of one time zone are one schedule: deploying with `asia/phnom_penh`, then again
 * with `Asia/Phnom_Penh`, keeps the schedule (same id, stored as `Asia/Phnom_Penh`) and its runs,
 * so the slot a worker is taking as the deployment is applied again is not created a second time
 * (a changed schedule would keep that run and make its own). Runs on SQLite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ScheduleSpec } from "../../src/core/models.js";
import { createDeploymentService } from "../../src/orchestration/deployment-service.js";
import { scheduleDeploymentRuns } from "../../src/orchestration/maintenance/schedule-deployment-runs.js";
import { openServiceTestBed, type ServiceTestBed } from "../services/service-test-kit.js";

const POLICY = { horizonSeconds: 3 * 3600, minRuns: 1, maxRuns: 100, maxLatenessSeconds: 300 };

describe("a schedule's time zone is stored in its canonical spelling", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-06-01T00:20:00Z");
  });
  afterAll(async () => bed?.close());

  const deploy = (name: string, schedule: ScheduleSpec) =>
    createDeploymentService(bed.opened[0]!.context).upsertDeployment({ name, flowName: "canonical-zone", entrypoint: "flows.ts:flow", schedules: [{ schedule }] });

  async function slotsOf(deploymentId: string): Promise<string[]> {
    const rows = await bed.opened[0]!.context.database.db
      .selectFrom("flow_runs")
      .select("expected_start_time")
      .where("deployment_id", "=", deploymentId)
      .orderBy("expected_start_time")
      .execute();
    return rows.map((row) => row.expected_start_time);
  }

  it("asia/phnom_penh then Asia/Phnom_Penh: one schedule, one run per slot, a claimed slot not created again", async () => {
    const first = await deploy("hourly", { cron: "0 * * * *", timezone: "asia/phnom_penh" });
    expect(first.schedules).toHaveLength(1);
    expect(first.schedules[0]!.schedule).toEqual({ cron: "0 * * * *", timezone: "Asia/Phnom_Penh" });
    await scheduleDeploymentRuns(bed.opened[0]!.context, POLICY);
    expect(await slotsOf(first.id)).toEqual(["2026-06-01T01:00:00.000Z", "2026-06-01T02:00:00.000Z", "2026-06-01T03:00:00.000Z"]);

    // At 01:00 sharp a worker takes the 01:00 run, and the deployment is applied again.
    bed.clock.set("2026-06-01T01:00:00Z");
    const claimed = await bed.opened[0]!.orchestration.claimFlowRuns({ workPoolName: "default", workerId: "worker-1", limit: 1 });
    expect(claimed.map((run) => run.expectedStartTime)).toEqual(["2026-06-01T01:00:00.000Z"]);

    const second = await deploy("hourly", { cron: "0 * * * *", timezone: "Asia/Phnom_Penh" });
    expect(second.schedules.map((schedule) => schedule.id)).toEqual([first.schedules[0]!.id]);
    await scheduleDeploymentRuns(bed.opened[0]!.context, POLICY);
    expect(await slotsOf(first.id)).toEqual(["2026-06-01T01:00:00.000Z", "2026-06-01T02:00:00.000Z", "2026-06-01T03:00:00.000Z", "2026-06-01T04:00:00.000Z"]);
  });

  it("an RRULE's TZID and a link name are stored canonically too; an unknown zone is refused by name", async () => {
    const deployment = await deploy("weekly", { rrule: "DTSTART;TZID=asia/calcutta:20260105T080000\nRRULE:FREQ=WEEKLY", timezone: "Asia/Kolkata" });
    expect(deployment.schedules[0]!.schedule).toEqual({ rrule: "DTSTART;TZID=Asia/Kolkata:20260105T080000\nRRULE:FREQ=WEEKLY", timezone: "Asia/Kolkata" });
    await expect(deploy("mars", { cron: "0 8 * * *", timezone: "Mars/Phobos" })).rejects.toThrow(/schedules\.0\.schedule\.timezone: unknown time zone "Mars\/Phobos"/);
  });
});
