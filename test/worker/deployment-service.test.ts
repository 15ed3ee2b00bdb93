/**
 * Deployments through the service layer on a real database (SQLite or PostgreSQL per
 * WEIR_TEST_DB): upsert by flow+name, schedules replaced (changed ones lose their unstarted
 * future runs), parameters merged and validated against the stored JSON Schema (422 naming the
 * field), idempotency keys, pools and queues, worker status.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import type { Clock } from "../../src/core/clock.js";
import { makeState } from "../../src/core/states.js";
import { isWeirError, type WeirError } from "../../src/core/weir-error.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

let now = new Date("2026-03-01T00:00:00.000Z");
const clock: Clock = { now: () => now };
const { opened } = useTestOrchestration({ clock });
const schema = z.toJSONSchema(z.object({ name: z.string().min(2), count: z.number().int().max(10).optional(), mode: z.enum(["a", "b"]).optional() }), { io: "input" }) as Record<string, unknown>;

async function rejection(promise: Promise<unknown>): Promise<WeirError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!isWeirError(error)) throw new Error(`expected a WeirError, got ${String(error)}`);
  return error;
}


describe("deployments", () => {
  it("upserts by flow and name, creating the flow and the queue", async () => {
    const api = opened.orchestration;
    const first = await api.upsertDeployment({
      name: "basic_greeting",
      flowName: "greeting",
      entrypoint: "flows/greeting.ts:greeting",
      workQueueName: "GreetingWorkQueue",
      parameters: { name: "Navin" },
      parameterSchema: schema,
      schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
    });
    expect(first.workPoolName).toBe("default");
    expect(first.schedules).toHaveLength(1);
    expect((await api.readFlow("greeting")).parameterSchema).toEqual(schema);
    expect((await api.readWorkQueue("default", "GreetingWorkQueue")).priority).toBeGreaterThan(1);
    const second = await api.upsertDeployment({ name: "basic_greeting", flowName: "greeting", entrypoint: "flows/greeting.ts:greeting", description: "again", parameters: { name: "Navin" }, workQueueName: "GreetingWorkQueue", parameterSchema: schema });
    expect(second.id).toBe(first.id);
    expect(second.description).toBe("again");
    expect(second.schedules.map((s) => s.id)).toEqual(first.schedules.map((s) => s.id));
    expect((await api.readDeploymentByName("greeting/basic_greeting")).id).toBe(first.id);
    const listed = await api.listDeployments({ flowNames: ["greeting"] });
    expect(listed.items.map((d) => d.name)).toEqual(["basic_greeting"]);
  });

  it("rejects bad input naming the field", async () => {
    const api = opened.orchestration;
    const badZone = await rejection(api.upsertDeployment({ name: "x", flowName: "f", entrypoint: "a.ts:f", schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Mars/Olympus" } }] }));
    expect(badZone.code).toBe("VALIDATION");
    expect(badZone.message).toContain("schedules.0.schedule.timezone");
    const badCron = await rejection(api.upsertDeployment({ name: "x", flowName: "f", entrypoint: "a.ts:f", schedules: [{ schedule: { cron: "61 * * * *" } }] }));
    expect(badCron.message).toContain("schedules.0.schedule.cron");
    expect((await rejection(api.upsertDeployment({ name: "", flowName: "f", entrypoint: "a.ts:f" }))).message).toContain("name");
    expect((await rejection(api.upsertDeployment({ name: "x", flowName: "f", entrypoint: "a.ts:f", workPoolName: "nope" }))).code).toBe("NOT_FOUND");
    expect((await rejection(api.readDeploymentByName("no-slash"))).code).toBe("VALIDATION");
    expect((await rejection(api.readDeploymentByName("greeting/missing"))).code).toBe("NOT_FOUND");
  });

  it("merges default and per-run parameters and validates them (422 naming the field)", async () => {
    const api = opened.orchestration;
    const deployment = await api.readDeploymentByName("greeting/basic_greeting");
    const run = await api.createDeploymentFlowRun(deployment.id, { parameters: { count: 3 } });
    expect(run.parameters).toEqual({ name: "Navin", count: 3 });
    expect(run.stateName).toBe("Scheduled");
    expect(run.workQueueName).toBe("GreetingWorkQueue");
    expect(run.deploymentName).toBe("basic_greeting");
    const wrongType = await rejection(api.createDeploymentFlowRun(deployment.id, { parameters: { name: 5 } }));
    expect(wrongType.code).toBe("VALIDATION");
    expect(wrongType.details?.issues).toEqual([expect.objectContaining({ path: "parameters.name" })]);
    const tooBig = await rejection(api.createDeploymentFlowRun(deployment.id, { parameters: { count: 11 } }));
    expect(tooBig.message).toContain("parameters.count");
    const badEnum = await rejection(api.createDeploymentFlowRun(deployment.id, { parameters: { mode: "c" } }));
    expect(badEnum.message).toContain("parameters.mode");
    // z.object() strips unknown keys rather than refusing them, so its input schema allows them.
    expect((await api.createDeploymentFlowRun(deployment.id, { parameters: { surprise: true } })).parameters).toMatchObject({ surprise: true });
  });

  it("returns the same run for a repeated idempotency key", async () => {
    const api = opened.orchestration;
    const deployment = await api.readDeploymentByName("greeting/basic_greeting");
    const one = await api.createDeploymentFlowRun(deployment.id, { idempotencyKey: "k-1" });
    const two = await api.createDeploymentFlowRun(deployment.id, { idempotencyKey: "k-1", parameters: { name: "Other" } });
    expect(two.id).toBe(one.id);
    expect(await api.countFlowRuns({ deploymentIds: [deployment.id], ids: [one.id] })).toBe(1);
  });

  it("removes unstarted future runs of a changed or deleted schedule, and keeps the rest", async () => {
    const api = opened.orchestration;
    const hourly = {
      name: "hourly",
      flowName: "greeting",
      entrypoint: "flows/greeting.ts:greeting",
      parameters: { name: "Hourly" },
      schedules: [{ schedule: { interval: 3600 } }, { schedule: { cron: "0 1 * * *", timezone: "Europe/London" } }],
    };
    const deployment = await api.upsertDeployment(hourly);
    const [interval, cron] = deployment.schedules;
    if (!interval || !cron) throw new Error("schedules missing");
    const future = new Date(now.getTime() + 3_600_000).toISOString();
    const past = new Date(now.getTime() - 3_600_000).toISOString();
    const fromInterval = await api.createDeploymentFlowRun(deployment.id, { scheduleId: interval.id, scheduledTime: future, idempotencyKey: `s:${interval.id}:${future}` });
    const pastRun = await api.createDeploymentFlowRun(deployment.id, { scheduleId: interval.id, scheduledTime: past, idempotencyKey: `s:${interval.id}:${past}` });
    const fromCron = await api.createDeploymentFlowRun(deployment.id, { scheduleId: cron.id, scheduledTime: future, idempotencyKey: `s:${cron.id}:${future}` });
    // Re-deploying the same schedules keeps them and their runs.
    const same = await api.upsertDeployment(hourly);
    expect(same.schedules.map((s) => s.id).sort()).toEqual([interval.id, cron.id].sort());
    await api.updateDeploymentSchedule(deployment.id, interval.id, { schedule: { interval: 1800 } });
    await expect(api.readFlowRun(fromInterval.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await api.readFlowRun(pastRun.id)).id).toBe(pastRun.id);
    expect((await api.readFlowRun(fromCron.id)).id).toBe(fromCron.id);
    await api.deleteDeploymentSchedule(deployment.id, cron.id);
    await expect(api.readFlowRun(fromCron.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await api.readDeployment(deployment.id)).schedules.map((s) => s.id)).toEqual([interval.id]);
  });

  it("pauses, resumes and deletes a deployment, keeping its past runs and cancelling those still waiting", async () => {
    const api = opened.orchestration;
    const deployment = await api.upsertDeployment({ name: "temp", flowName: "greeting", entrypoint: "a.ts:greeting", parameters: { name: "Tmp" } });
    expect((await api.updateDeployment(deployment.id, { isPaused: true })).isPaused).toBe(true);
    expect((await api.updateDeployment(deployment.id, { isPaused: false })).isPaused).toBe(false);
    const past = await api.createDeploymentFlowRun(deployment.id);
    await api.setFlowRunState(past.id, { state: makeState("Running") });
    await api.setFlowRunState(past.id, { state: makeState("Completed") });
    const waiting = await api.createDeploymentFlowRun(deployment.id);
    await api.deleteDeployment(deployment.id);
    await expect(api.readDeployment(deployment.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    const kept = await api.readFlowRun(past.id);
    expect([kept.deploymentId, kept.stateName]).toEqual([deployment.id, "Completed"]);
    // No worker could load it any more: it ends Cancelled, saying why, with its history.
    const cancelled = await api.readFlowRun(waiting.id);
    expect([cancelled.deploymentId, cancelled.stateName, cancelled.state.message]).toEqual([deployment.id, "Cancelled", "deployment 'greeting/temp' was deleted before this run started"]);
    expect((await api.readFlowRunStates(waiting.id)).map((state) => state.name)).toEqual(["Scheduled", "Cancelled"]);
  });
});

describe("work pools, queues and workers", () => {
  it("has the default pool and queue, and creates pools with a default queue", async () => {
    const api = opened.orchestration;
    expect((await api.readWorkPool("default")).type).toBe("process");
    const pool = await api.createWorkPool({ name: "gpu", concurrencyLimit: 2 });
    expect(pool.concurrencyLimit).toBe(2);
    expect((await api.listWorkQueues("gpu")).map((q) => q.name)).toEqual(["default"]);
    await api.createWorkQueue({ workPoolName: "gpu", name: "urgent", priority: 1 });
    await expect(api.createWorkQueue({ workPoolName: "gpu", name: "urgent" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(api.createWorkPool({ name: "gpu" })).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(api.createWorkPool({ name: "k8s", type: "kubernetes" })).rejects.toMatchObject({ code: "VALIDATION" });
    expect((await api.updateWorkPool("gpu", { isPaused: true })).isPaused).toBe(true);
    expect((await api.updateWorkQueue("gpu", "urgent", { priority: 3, isPaused: true })).priority).toBe(3);
    await expect(api.deleteWorkPool("default")).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(api.deleteWorkQueue("gpu", "default")).rejects.toMatchObject({ code: "CONFLICT" });
    const user = await api.upsertDeployment({ name: "urgent-user", flowName: "greeting", entrypoint: "a.ts:greeting", workPoolName: "gpu", workQueueName: "urgent" });
    await expect(api.deleteWorkQueue("gpu", "urgent")).rejects.toThrow("work queue 'urgent' of pool 'gpu' is used by deployment 'urgent-user'");
    await api.deleteDeployment(user.id);
    await api.deleteWorkQueue("gpu", "urgent");
    await api.deleteWorkPool("gpu");
    await expect(api.readWorkPool("gpu")).rejects.toMatchObject({ code: "NOT_FOUND" });
    await expect(api.updateWorkQueue("default", "nope", {})).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("reports workers ONLINE while they heartbeat and OFFLINE after three missed intervals", async () => {
    const api = opened.orchestration;
    const worker = await api.workerHeartbeat({ workPoolName: "default", name: "w1", heartbeatIntervalSeconds: 10 });
    expect(worker.status).toBe("ONLINE");
    now = new Date(now.getTime() + 29_000);
    expect((await api.listWorkers("default")).find((w) => w.name === "w1")?.status).toBe("ONLINE");
    now = new Date(now.getTime() + 2_000);
    expect((await api.listWorkers("default")).find((w) => w.name === "w1")?.status).toBe("OFFLINE");
    const again = await api.workerHeartbeat({ workPoolName: "default", name: "w1", heartbeatIntervalSeconds: 10 });
    expect(again.id).toBe(worker.id);
    expect(again.status).toBe("ONLINE");
    await expect(api.workerHeartbeat({ workPoolName: "missing", name: "w" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
