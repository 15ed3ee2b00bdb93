import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Deployment } from "../../src/core/models.js";
import { createDeploymentService } from "../../src/orchestration/deployment-service.js";
import { deleteFutureScheduledRuns } from "../../src/orchestration/maintenance/delete-future-scheduled-runs.js";
import { scheduleDeploymentRuns, scheduledRunKey } from "../../src/orchestration/maintenance/schedule-deployment-runs.js";
import { deployWithSchedule, openServiceTestBed, type ServiceTestBed } from "./service-test-kit.js";

const MINUTE = 60_000;

describe("scheduler", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-06-01T00:00:30Z");
  });
  afterAll(async () => bed?.close());

  async function runsOf(deploymentId: string): Promise<{ expected_start_time: string; state_name: string; idempotency_key: string | null }[]> {
    return bed.opened[0]!.context.database.db
      .selectFrom("flow_runs")
      .select(["expected_start_time", "state_name", "idempotency_key"])
      .where("deployment_id", "=", deploymentId)
      .orderBy("expected_start_time")
      .execute();
  }

  it("three schedulers over 20 minutely deployments for two simulated hours create exactly one run per slot", async () => {
    // Its own database, so the other tests' passes do not pay for these 20 deployments.
    const bed = await openServiceTestBed("2026-06-01T00:00:30Z", 3);
    try {
      const deployments: Deployment[] = [];
      for (let index = 0; index < 20; index++) deployments.push(await deployWithSchedule(bed.opened[0]!, `minutely-${index}`, { cron: "* * * * *" }));
      const policy = { horizonSeconds: 600, minRuns: 3, maxRuns: 100, maxLatenessSeconds: 300 };
      // Two hours in 5-minute steps; the three schedulers race on every step.
      for (let step = 0; step <= 24; step++) {
        await Promise.all(bed.contexts.map((context) => scheduleDeploymentRuns(context, policy)));
        bed.clock.advance(5 * MINUTE);
      }
      const { db } = bed.opened[0]!.context.database;
      const rows = await db
        .selectFrom("flow_runs")
        .select(["deployment_id", "expected_start_time", "idempotency_key", "schedule_id"])
        .where("deployment_id", "in", deployments.map((d) => d.id))
        .execute();
      // Slots from 00:01 (the first after the schedules were created at 00:00:30) to 02:10 (the
      // last pass at 02:00:30 plus the 10-minute horizon).
      const expectedSlots = 130;
      expect(rows.length).toBe(20 * expectedSlots);
      const perSlot = new Map<string, number>();
      for (const row of rows) {
        const key = `${row.deployment_id}|${row.expected_start_time}`;
        perSlot.set(key, (perSlot.get(key) ?? 0) + 1);
        expect(row.idempotency_key).toBe(scheduledRunKey(row.schedule_id!, new Date(row.expected_start_time)));
      }
      expect(Math.max(...perSlot.values())).toBe(1);
      const slotsOfFirst = rows.filter((row) => row.deployment_id === deployments[0]!.id).map((row) => row.expected_start_time).sort();
      expect(slotsOfFirst[0]).toBe("2026-06-01T00:01:00.000Z");
      expect(slotsOfFirst[slotsOfFirst.length - 1]).toBe("2026-06-01T02:10:00.000Z");
      for (let index = 1; index < slotsOfFirst.length; index++) {
        expect(Date.parse(slotsOfFirst[index]!) - Date.parse(slotsOfFirst[index - 1]!)).toBe(MINUTE);
      }
    } finally {
      await bed.close();
    }
  }, 300_000);

  it("after downtime skips slots older than maxLateness instead of running them in a burst", async () => {
    bed.clock.set("2026-06-02T10:00:00Z");
    const deployment = await deployWithSchedule(bed.opened[0]!, "after-downtime", { cron: "*/10 * * * *" });
    const policy = { horizonSeconds: 1800, minRuns: 1, maxRuns: 100, maxLatenessSeconds: 900 };
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    // Nothing from before the schedule existed (09:50); the slot due now and the horizon to 10:30.
    expect((await runsOf(deployment.id)).map((run) => run.expected_start_time.slice(11, 16))).toEqual(["10:00", "10:10", "10:20", "10:30"]);
    // Down until 13:07: 10:40 … 12:50 are more than 15 minutes late and skipped; 13:00 is late by
    // 7 minutes and still created.
    bed.clock.set("2026-06-02T13:07:00Z");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    expect((await runsOf(deployment.id)).map((run) => run.expected_start_time.slice(11, 16))).toEqual([
      "10:00",
      "10:10",
      "10:20",
      "10:30",
      "13:00",
      "13:10",
      "13:20",
      "13:30",
    ]);
  });

  it("keeps minRuns future runs: the tutorial's daily 08:00 Asia/Phnom_Penh run is next at 01:00 UTC", async () => {
    bed.clock.set("2026-06-03T18:00:00Z");
    const deployment = await deployWithSchedule(bed.opened[0]!, "basic_greeting", { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" }, { parameters: { name: "Navin" } });
    await scheduleDeploymentRuns(bed.opened[0]!.context, { horizonSeconds: 3600, minRuns: 3, maxRuns: 100, maxLatenessSeconds: 300 });
    const runs = await runsOf(deployment.id);
    expect(runs.map((run) => run.expected_start_time)).toEqual(["2026-06-04T01:00:00.000Z", "2026-06-05T01:00:00.000Z", "2026-06-06T01:00:00.000Z"]);
    const service = createDeploymentService(bed.opened[0]!.context);
    const withRuns = await bed.opened[0]!.orchestration.listFlowRuns({ deploymentIds: [deployment.id] });
    expect(withRuns.items.every((run) => run.parameters.name === "Navin" && run.stateName === "Scheduled")).toBe(true);
    expect((await service.readDeployment(deployment.id)).schedules).toHaveLength(1);
  });

  it("creates nothing for paused deployments and inactive schedules", async () => {
    bed.clock.set("2026-06-04T00:00:00Z");
    const paused = await deployWithSchedule(bed.opened[0]!, "paused", { interval: 60 }, { isPaused: true });
    const inactive = await createDeploymentService(bed.opened[0]!.context).upsertDeployment({
      name: "inactive",
      flowName: "flow-inactive",
      entrypoint: "flows.ts:flow",
      schedules: [{ schedule: { interval: 60 }, isActive: false }],
    });
    await scheduleDeploymentRuns(bed.opened[0]!.context);
    expect(await runsOf(paused.id)).toEqual([]);
    expect(await runsOf(inactive.id)).toEqual([]);
  });

  it("deleteFutureScheduledRuns removes a schedule's future unstarted runs and keeps due ones", async () => {
    bed.clock.set("2026-06-05T00:00:00Z");
    const deployment = await deployWithSchedule(bed.opened[0]!, "changing", { interval: 600 });
    await scheduleDeploymentRuns(bed.opened[0]!.context, { horizonSeconds: 3600, minRuns: 1, maxRuns: 100, maxLatenessSeconds: 0 });
    // 00:00 (due now) through 01:00.
    expect(await runsOf(deployment.id)).toHaveLength(7);
    bed.clock.set("2026-06-05T00:25:00Z");
    const deleted = await deleteFutureScheduledRuns(bed.opened[0]!.context, deployment.schedules[0]!.id);
    expect(deleted).toBe(4);
    expect((await runsOf(deployment.id)).map((run) => run.expected_start_time.slice(11, 16))).toEqual(["00:00", "00:10", "00:20"]);
  });
});
