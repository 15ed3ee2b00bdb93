/**
 * A suspended run has no process to notice its timeout: the late-runs loop fails it once its
 * Suspended state's due time has passed, saying so, and leaves one still in time (or Paused:
 * its own process fails it) alone.
 */
import { describe, expect, it } from "vitest";
import { makeState, type StateName } from "../../src/core/states.js";
import { failExpiredSuspendedRuns } from "../../src/orchestration/maintenance/fail-expired-suspended-runs.js";
import { deployWithSchedule, useServiceTestBed } from "./service-test-kit.js";

describe("suspended runs past their timeout", () => {
  const { bed, api, ctx } = useServiceTestBed("2026-07-01T12:00:00Z");

  async function suspendedRun(deploymentId: string, name: StateName, timeoutSeconds: number): Promise<string> {
    const run = await api().createDeploymentFlowRun(deploymentId);
    for (const step of ["Pending", "Running"] as const) {
      expect((await api().setFlowRunState(run.id, { state: makeState(step, { now: bed().clock.now() }) })).status).toBe("ACCEPT");
    }
    const until = new Date(bed().clock.now().getTime() + timeoutSeconds * 1000).toISOString();
    const paused = makeState(name, { now: bed().clock.now(), scheduledTime: until, details: { pauseKey: "pause-1", inputSchema: { type: "object" } } });
    expect((await api().setFlowRunState(run.id, { state: paused })).status).toBe("ACCEPT");
    return run.id;
  }

  it("fails a Suspended run nobody resumed in time, with a clear message, and no other", async () => {
    bed().clock.set("2026-07-01T12:00:00Z");
    const deployment = await deployWithSchedule(bed().opened[0]!, "suspend-timeout", null);
    const expiring = await suspendedRun(deployment.id, "Suspended", 60);
    const longer = await suspendedRun(deployment.id, "Suspended", 3600);
    const paused = await suspendedRun(deployment.id, "Paused", 60);
    bed().clock.set("2026-07-01T12:00:59Z");
    expect(await failExpiredSuspendedRuns(ctx())).toBe(0);
    bed().clock.set("2026-07-01T12:01:01Z");
    expect(await failExpiredSuspendedRuns(ctx())).toBe(1);
    const failed = await api().readFlowRun(expiring);
    expect(failed.stateName).toBe("Failed");
    expect(failed.state.message).toBe(`flow run '${failed.name}' suspended for input for 60 s without a resume`);
    expect((await api().readFlowRun(longer)).stateName).toBe("Suspended");
    expect((await api().readFlowRun(paused)).stateName).toBe("Paused");
    expect(await failExpiredSuspendedRuns(ctx())).toBe(0);
  });
});
