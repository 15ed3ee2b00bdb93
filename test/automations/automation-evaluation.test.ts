/**
 * The automations service's passes over a real database (SQLite or PostgreSQL): reactive firings
 * on stored flow-run events with the firing, its `automation.fired` event and its notification in
 * one transaction; proactive firings by the clock, once, even when three "servers" evaluate at
 * the same time; the non-notification actions (run a deployment, cancel the run, pause a pool).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { evaluateAutomations } from "../../src/orchestration/automations/evaluate-automations.js";
import { runAutomationActions } from "../../src/orchestration/automations/run-automation-actions.js";
import { deployWithSchedule, openServiceTestBed, type ServiceTestBed } from "../services/service-test-kit.js";

describe("automation evaluation", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-03-01T00:00:00.000Z", 3);
  });
  afterAll(async () => bed?.close());

  const api = () => bed.opened[0]!.orchestration;

  async function failedRun(flowName: string, tags: string[] = []): Promise<string> {
    const run = await api().createFlowRun({ flowName, tags });
    expect((await api().setFlowRunState(run.id, { state: makeState("Running", { now: bed.clock.now() }) })).status).toBe("ACCEPT");
    expect((await api().setFlowRunState(run.id, { state: makeState("Failed", { now: bed.clock.now(), message: "boom" }) })).status).toBe("ACCEPT");
    return run.id;
  }

  async function passEverywhere(): Promise<number> {
    const results = await Promise.all(bed.contexts.map((ctx) => evaluateAutomations(ctx, bed.clock.now(), (error) => { throw error; })));
    return results.reduce((sum, result) => sum + result.firings.length, 0);
  }

  // On PostgreSQL a follower sees an event once every transaction older than it has ended, in the
  // whole database (event-query.ts): other test files' transactions can hold it back a moment.
  async function passesUntil(expected: number): Promise<number> {
    let fired = 0;
    const deadline = Date.now() + 15_000;
    while (fired < expected && Date.now() < deadline) {
      fired += await passEverywhere();
      if (fired < expected) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return fired;
  }

  async function settledEvents(): Promise<void> {
    const mark = (await api().readEventsAfter({})).cursor;
    const run = await api().createFlowRun({ flowName: "settle-marker" });
    await expect.poll(async () => (await api().readEventsAfter({ after: mark, events: ["flow-run.*"], resourceId: run.id })).events.length, { timeout: 15_000 }).toBeGreaterThan(0);
  }

  it("fires a reactive trigger once per matching event, with its event and notification in the same transaction", async () => {
    const automation = await api().createAutomation({
      name: "greeting-fails",
      trigger: { expect: ["flow-run.Failed", "flow-run.Crashed"], match: { flow: "greeting-e" } },
      actions: [{ type: "webhook", url: "http://127.0.0.1:9/hook" }],
    });
    const before = await failedRun("greeting-e");
    // Events stored before the automation existed never fire it; this one did (it came after).
    expect(await passesUntil(1)).toBe(1);
    await failedRun("other-flow");
    const second = await failedRun("greeting-e");
    expect(await passesUntil(1)).toBe(1);
    expect(await passEverywhere()).toBe(0);
    const firings = await api().listAutomationFirings("greeting-fails");
    expect(firings.map((firing) => firing.flowRunId).sort()).toEqual([second, before].sort());
    expect(firings[0]).toMatchObject({ eventName: "flow-run.Failed", actions: [{ type: "webhook", status: "done" }] });
    const deliveries = await bed.contexts[0]!.database.db.selectFrom("notification_deliveries").selectAll().where("automation_id", "=", automation.id).execute();
    expect(deliveries).toHaveLength(2);
    expect(JSON.parse(deliveries.map((row) => row.message).join("|").split("|")[0]!)).toMatchObject({ flowRun: { id: expect.any(String), stateName: "Failed" }, automation: { name: "greeting-fails" } });
    const all = await api().listEvents({ events: ["automation.fired"] });
    expect(all.events.filter((event) => event.resource.id === automation.id)).toHaveLength(2);
  });

  it("does not fire a created-then-old event, and not while disabled", async () => {
    await api().createAutomation({ name: "disabled-one", enabled: false, trigger: { expect: "flow-run.Failed", match: { flow: "greeting-d" } }, actions: [{ type: "cancel-flow-run" }] });
    await failedRun("greeting-d");
    expect(await passEverywhere()).toBe(0);
    await settledEvents();
    await api().setAutomationEnabled("disabled-one", true);
    expect(await passEverywhere()).toBe(0);
    await failedRun("greeting-d");
    expect(await passesUntil(1)).toBe(1);
  });

  it("fires a proactive trigger once when the expected event is missing, even with three evaluating at once", async () => {
    const deployment = await deployWithSchedule(bed.opened[0]!, "daily", null);
    await api().createAutomation({
      name: "daily-missed",
      trigger: { posture: "proactive", expect: "flow-run.Completed", match: { deployment: `${deployment.flowName}/daily` }, within: "26h" },
      actions: [{ type: "webhook", url: "http://127.0.0.1:9/hook" }],
    });
    bed.clock.advance(25 * 3600_000);
    expect(await passEverywhere()).toBe(0);
    bed.clock.advance(3600_000);
    expect(await passEverywhere()).toBe(1);
    bed.clock.advance(30 * 3600_000);
    expect(await passEverywhere()).toBe(0);
    const firings = await api().listAutomationFirings("daily-missed");
    expect(firings).toHaveLength(1);
    expect(firings[0]!.reason).toMatch(/no flow-run\.Completed within 93600s/);
    // A completion re-arms it: 26 h after that one, it fires again.
    const run = await api().createDeploymentFlowRun(deployment.id);
    await api().setFlowRunState(run.id, { state: makeState("Running", { now: bed.clock.now() }) });
    await api().setFlowRunState(run.id, { state: makeState("Completed", { now: bed.clock.now() }) });
    await settledEvents();
    expect(await passEverywhere()).toBe(0);
    bed.clock.advance(26 * 3600_000);
    expect(await passEverywhere()).toBe(1);
  });

  it("runs a deployment with parameters, cancels the triggering run and pauses a work pool", async () => {
    const target = await deployWithSchedule(bed.opened[0]!, "rerun", null);
    await api().createWorkPool({ name: "automation-pool", type: "process" });
    await api().createAutomation({
      name: "act-on-late",
      trigger: { expect: "flow-run.Running", match: { flow: "slow-flow" } },
      actions: [
        { type: "run-deployment", deployment: `${target.flowName}/rerun`, parameters: { reason: "automation" } },
        { type: "cancel-flow-run" },
        { type: "pause-work-pool", workPool: "automation-pool" },
        { type: "resume-deployment", deployment: "nobody/none" },
      ],
    });
    const run = await api().createFlowRun({ flowName: "slow-flow" });
    await api().setFlowRunState(run.id, { state: makeState("Running", { now: bed.clock.now() }) });
    expect(await passesUntil(1)).toBe(1);
    const pending = await bed.contexts[0]!.database.db.selectFrom("automation_firings").select("id").where("status", "=", "pending").execute();
    const ran = await Promise.all(bed.contexts.map((ctx, index) => runAutomationActions(ctx, bed.opened[index]?.orchestration ?? api())));
    // Each pending firing (this one and the earlier test's) runs in exactly one of the three.
    expect(ran.reduce((a, b) => a + b, 0)).toBe(pending.length);
    const [firing] = await api().listAutomationFirings("act-on-late");
    expect(firing!.actions.map((action) => action.status)).toEqual(["done", "done", "done", "failed"]);
    expect(firing!.actions[3]!.detail).toMatch(/nobody\/none/);
    const created = await api().listFlowRuns({ deploymentIds: [target.id] });
    expect(created.items.map((item) => item.parameters)).toEqual([{ reason: "automation" }]);
    expect((await api().readFlowRun(run.id)).state.type).toMatch(/CANCELLING|CANCELLED/);
    expect((await api().readWorkPool("automation-pool")).isPaused).toBe(true);
  });
});
