import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isWeirError } from "../../src/core/weir-error.js";
import { compileServicesOptions, startServices } from "../../src/services/start-services.js";
import { SERVICE_NAMES } from "../../src/services/services-options.js";
import { deployWithSchedule, openServiceTestBed, type ServiceTestBed } from "./service-test-kit.js";

describe("startServices", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-08-01T00:00:00Z");
  });
  afterAll(async () => bed?.close());

  it("compiles documented defaults and names bad fields", () => {
    const defaults = compileServicesOptions();
    expect(defaults.scheduleHorizonSeconds).toBe(3600);
    expect(defaults.scheduleMaxLatenessSeconds).toBe(300);
    expect(defaults.lateAfterSeconds).toBe(15);
    expect(defaults.missedHeartbeats).toBe(3);
    expect(defaults.retentionSeconds).toBeNull();
    expect(defaults.enabled.retention).toBe(false);
    expect(SERVICE_NAMES.filter((name) => defaults.enabled[name])).toEqual(["scheduler", "late-runs", "crash-detection", "cancellation-cleanup", "lease-expiry", "notification-delivery", "automations"]);
    expect(compileServicesOptions({ retentionSeconds: 86_400 }).enabled.retention).toBe(true);
    expect(Object.isFrozen(defaults)).toBe(true);
    let caught: unknown;
    try {
      compileServicesOptions({ schedulerIntervalSeconds: 0, scheduleMaxRuns: 1.5, enabled: { telepathy: true } as never });
    } catch (error) {
      caught = error;
    }
    expect(isWeirError(caught) && caught.code).toBe("VALIDATION");
    expect(String((caught as Error).message)).toMatch(/schedulerIntervalSeconds.*scheduleMaxRuns.*enabled\.telepathy/);
    expect(() => compileServicesOptions({ enabled: { retention: true } })).toThrow(/retentionSeconds: is required/);
  });

  it("runs the loops until stopped: the scheduler creates runs, the late-runs loop marks them", async () => {
    const deployment = await deployWithSchedule(bed.opened[0]!, "every-minute", { cron: "* * * * *" });
    const errors: unknown[] = [];
    const services = startServices(bed.opened[0]!.context, {
      schedulerIntervalSeconds: 0.02,
      lateRunsIntervalSeconds: 0.02,
      crashDetectionIntervalSeconds: 0.02,
      cancellationCleanupIntervalSeconds: 0.02,
      leaseExpiryIntervalSeconds: 0.02,
      scheduleHorizonSeconds: 300,
      databaseUrl: bed.database.url,
      onError: (error) => errors.push(error),
    });
    try {
      expect(services.names).toEqual(["scheduler", "late-runs", "crash-detection", "cancellation-cleanup", "lease-expiry", "notification-delivery", "automations"]);
      const api = bed.opened[0]!.orchestration;
      const waitFor = async (what: string, check: () => Promise<boolean>): Promise<void> => {
        for (let attempt = 0; attempt < 200; attempt++) {
          if (await check()) return;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
        throw new Error(`timed out waiting for ${what}`);
      };
      await waitFor("scheduled runs", async () => (await api.countFlowRuns({ deploymentIds: [deployment.id] })) >= 5);
      // Time passes (the injected clock): the first slot becomes Late, new slots are added.
      bed.clock.advance(90_000);
      await waitFor("a Late run", async () => (await api.countFlowRuns({ deploymentIds: [deployment.id], stateNames: ["Late"] })) >= 1);
      await waitFor("slots up to the new horizon", async () => (await api.countFlowRuns({ deploymentIds: [deployment.id] })) >= 6);
    } finally {
      await services.stop();
    }
    expect(errors).toEqual([]);
    // Stopped means stopped: no new runs appear when time moves on.
    const before = await bed.opened[0]!.orchestration.countFlowRuns({ deploymentIds: [deployment.id] });
    bed.clock.advance(600_000);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(await bed.opened[0]!.orchestration.countFlowRuns({ deploymentIds: [deployment.id] })).toBe(before);
    await services.stop();
  });
});
