/**
 * Task concurrency slots as leases, with the service layer's clock moved by hand: a renewed lease
 * outlives its length, an unrenewed one runs out, and the slots of a flow run that has ended
 * (Crashed, Cancelled, …) are released at once, whether the flow run or one of its task runs
 * holds them, by the lease-expiry service and by the next acquire.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { makeState, type StateName } from "../../src/core/states.js";
import { expireConcurrencyLeases } from "../../src/orchestration/maintenance/expire-concurrency-leases.js";
import { openServiceTestBed, type ServiceTestBed } from "../services/service-test-kit.js";

describe("task concurrency leases", () => {
  let bed: ServiceTestBed;
  let api: OrchestrationApi;
  const start = Date.parse("2026-03-01T12:00:00.000Z");
  beforeAll(async () => {
    bed = await openServiceTestBed(new Date(start).toISOString());
    api = bed.opened[0]!.orchestration as unknown as OrchestrationApi;
  });
  afterAll(async () => bed?.close());

  const at = (seconds: number): void => bed.clock.set(new Date(start + seconds * 1000));
  const activeSlots = async (tag: string): Promise<number> => (await api.readConcurrencyLimit(tag)).activeSlots;

  it("keeps a renewed lease past its length and expires one that is not renewed", async () => {
    at(0);
    await api.createConcurrencyLimit({ tag: "renewed", limit: 1 });
    const lease = await api.acquireConcurrencySlots({ tags: ["renewed"], holderId: "task-a", leaseSeconds: 30 });
    expect(lease).not.toBeNull();
    at(20);
    await api.renewConcurrencyLease(lease!.id, 30);
    at(45);
    expect(await expireConcurrencyLeases(bed.contexts[0]!)).toBe(0);
    expect(await activeSlots("renewed")).toBe(1);
    expect(await api.acquireConcurrencySlots({ tags: ["renewed"], holderId: "task-b", leaseSeconds: 30 })).toBeNull();
    at(51);
    expect(await activeSlots("renewed")).toBe(0);
    expect(await expireConcurrencyLeases(bed.contexts[0]!)).toBe(1);
    await expect(api.renewConcurrencyLease(lease!.id, 30)).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it.each(["Crashed", "Cancelled", "Completed", "Failed"] as StateName[])("releases the slots of a flow run that ended %s before they expire", async (ended) => {
    at(100);
    const tag = `ended-${ended.toLowerCase()}`;
    await api.createConcurrencyLimit({ tag, limit: 2 });
    const flowRun = await api.createFlowRun({ flowName: "slot-holder", state: makeState("Running", { now: bed.clock.now() }) });
    const other = await api.createFlowRun({ flowName: "slot-holder", state: makeState("Running", { now: bed.clock.now() }) });
    // Held by the flow run itself (the SDK's way), and by a task run of it (another client's).
    const byFlowRun = await api.acquireConcurrencySlots({ tags: [tag], holderId: flowRun.id, leaseSeconds: 30 });
    const taskRunId = crypto.randomUUID();
    await api.writeTaskRuns([{ id: taskRunId, flowRunId: flowRun.id, name: "t-0", taskKey: "t", dynamicKey: "0", states: [makeState("Running", { now: bed.clock.now() })] }]);
    const byTaskRun = await api.acquireConcurrencySlots({ tags: [tag], holderId: taskRunId, leaseSeconds: 30 });
    expect(byFlowRun).not.toBeNull();
    expect(byTaskRun).not.toBeNull();
    expect(await api.acquireConcurrencySlots({ tags: [tag], holderId: other.id, leaseSeconds: 30 })).toBeNull();
    await api.setFlowRunState(flowRun.id, { state: makeState(ended, { now: bed.clock.now() }), force: true });
    at(105);
    expect(await expireConcurrencyLeases(bed.contexts[0]!)).toBe(2);
    expect(await activeSlots(tag)).toBe(0);
  });

  it("frees an ended flow run's slot on the next acquire, before the expiry service runs", async () => {
    at(200);
    await api.createConcurrencyLimit({ tag: "acquire-frees", limit: 1 });
    const crashed = await api.createFlowRun({ flowName: "slot-holder", state: makeState("Running", { now: bed.clock.now() }) });
    const waiting = await api.createFlowRun({ flowName: "slot-holder", state: makeState("Running", { now: bed.clock.now() }) });
    expect(await api.acquireConcurrencySlots({ tags: ["acquire-frees"], holderId: crashed.id, leaseSeconds: 30 })).not.toBeNull();
    expect(await api.acquireConcurrencySlots({ tags: ["acquire-frees"], holderId: waiting.id, leaseSeconds: 30 })).toBeNull();
    await api.setFlowRunState(crashed.id, { state: makeState("Crashed", { now: bed.clock.now() }), force: true });
    expect(await api.acquireConcurrencySlots({ tags: ["acquire-frees"], holderId: waiting.id, leaseSeconds: 30 })).not.toBeNull();
  });

  it("keeps the slots of a running flow run and of holders that are no run", async () => {
    at(300);
    // Leases left by the tests above have run out by now.
    await expireConcurrencyLeases(bed.contexts[0]!);
    await api.createConcurrencyLimit({ tag: "kept", limit: 5 });
    const running = await api.createFlowRun({ flowName: "slot-holder", state: makeState("Running", { now: bed.clock.now() }) });
    await api.acquireConcurrencySlots({ tags: ["kept"], holderId: running.id, leaseSeconds: 30 });
    await api.acquireConcurrencySlots({ tags: ["kept"], holderId: "some-script", leaseSeconds: 30 });
    at(310);
    expect(await expireConcurrencyLeases(bed.contexts[0]!)).toBe(0);
    expect(await activeSlots("kept")).toBe(2);
  });
});
