/**
 * The automations service wakes on the in-process bus: with its interval at 60 s, a run that
 * fails still fires a reactive trigger within seconds (SQLite or PostgreSQL).
 */
import { afterEach, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import type { Leadership } from "../../src/services/leadership.js";
import { startServices, type RunningServices } from "../../src/services/start-services.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const alwaysLeader: Leadership = { isLeader: async () => true, release: async () => undefined };

describe("automations service wake-up", () => {
  const set = useTestOrchestration();
  let services: RunningServices | null = null;
  const errors: unknown[] = [];
  afterEach(async () => {
    await services?.stop();
    services = null;
    expect(errors).toEqual([]);
  });

  it("fires on a failed run long before its 60 s interval", async () => {
    const api = set.opened.orchestration;
    await api.createAutomation({ name: "wake-on-failure", trigger: { expect: "flow-run.Failed", match: { flow: "wake-check" } }, actions: [{ type: "webhook", url: "http://127.0.0.1:9/hook" }] });
    services = startServices(set.opened.context, {
      enabled: { scheduler: false, "late-runs": false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false, "notification-delivery": false },
      automationsIntervalSeconds: 60,
      leadership: alwaysLeader,
      onError: (error) => errors.push(error),
    });
    // Let the first pass (at start) run, so only a wake-up can see the failure in time.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const run = await api.createFlowRun({ flowName: "wake-check" });
    await api.setFlowRunState(run.id, { state: makeState("Running") });
    const failedAt = Date.now();
    expect((await api.setFlowRunState(run.id, { state: makeState("Failed", { message: "boom" }) })).status).toBe("ACCEPT");
    await expect.poll(async () => (await api.listAutomationFirings("wake-on-failure")).length, { timeout: 10_000, interval: 50 }).toBe(1);
    expect(Date.now() - failedAt).toBeLessThan(10_000);
    const [firing] = await api.listAutomationFirings("wake-on-failure");
    expect(firing).toMatchObject({ flowRunId: run.id, eventName: "flow-run.Failed" });
  });
});
