/**
 * Catch-up and overlap policies (src/core/schedules/schedule-policies.ts) at the service level,
 * with the injected clock: the background services really run (their loops, leadership, the
 * scheduler's checkpoint), only time is simulated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { UpsertDeploymentInput } from "../../src/core/api-types.js";
import type { Deployment, FlowRun, ScheduleSpec } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { createDeploymentService } from "../../src/orchestration/deployment-service.js";
import { scheduleDeploymentRuns } from "../../src/orchestration/maintenance/schedule-deployment-runs.js";
import { startServices } from "../../src/services/start-services.js";
import { openServiceTestBed, type ServiceTestBed } from "./service-test-kit.js";

const HOUR = 3_600_000;
const MINUTE = 60_000;

async function waitFor(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("catch-up policy after downtime", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-09-01T00:30:00Z");
  });
  afterAll(async () => bed?.close());

  function deploy(name: string, policy: Pick<UpsertDeploymentInput, "catchup" | "catchupWindow" | "concurrencyLimit">): Promise<Deployment> {
    return createDeploymentService(bed.opened[0]!.context).upsertDeployment({
      name,
      flowName: `flow-${name}`,
      entrypoint: "flows.ts:flow",
      workQueueName: `queue-${name}`,
      schedules: [{ schedule: { cron: "0 * * * *" } }],
      ...policy,
    });
  }

  async function runsOf(deploymentId: string): Promise<FlowRun[]> {
    const page = await bed.opened[0]!.orchestration.listFlowRuns({ deploymentIds: [deploymentId] }, { limit: 100 });
    return page.items.sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime));
  }

  // Skipped slots counted through the services' observer (the server's metrics), by policy.
  const skippedCounts: Record<string, number> = {};

  /** Run the services until `isDone`, then stop them; their log lines are returned. */
  async function runServicesUntil(isDone: (lines: string[]) => boolean | Promise<boolean>): Promise<string[]> {
    const lines: string[] = [];
    const errors: unknown[] = [];
    const services = startServices(bed.opened[0]!.context, {
      schedulerIntervalSeconds: 0.02,
      lateRunsIntervalSeconds: 0.02,
      databaseUrl: bed.database.url,
      onError: (error) => errors.push(error),
      onLog: (line, service) => lines.push(`${service}: ${line}`),
      observer: { onTick: () => undefined, onError: () => undefined, onSkippedSlots: (count, policy) => void (skippedCounts[policy] = (skippedCounts[policy] ?? 0) + count) },
    });
    try {
      await waitFor("the services", () => isDone(lines));
    } finally {
      await services.stop();
    }
    expect(errors).toEqual([]);
    return lines;
  }

  it("with the services stopped for 5 hours of an hourly schedule: skip runs 0 missed slots, latest 1, all (3 h window) 3, oldest first", async () => {
    const skip = await deploy("catchup-skip", {});
    const latest = await deploy("catchup-latest", { catchup: "latest" });
    const all = await deploy("catchup-all", { catchup: "all", catchupWindow: "3h", concurrencyLimit: 1 });
    expect([skip.catchup, latest.catchup, all.catchup, all.catchupWindow]).toEqual(["skip", "latest", "all", 10_800]);

    // Up at 00:30: each schedule gets its runs ahead of time (01:00 within the hour, then 02:00 and 03:00 to keep three).
    await runServicesUntil(async () => (await runsOf(all.id)).length >= 3);
    for (const deployment of [skip, latest, all]) {
      expect((await runsOf(deployment.id)).map((run) => run.expectedStartTime.slice(11, 16))).toEqual(["01:00", "02:00", "03:00"]);
    }

    // Down for five hours: the slots 01:00 … 05:00 are missed.
    bed.clock.advance(5 * HOUR);
    const restartedAt = bed.clock.now().toISOString();
    const lines = await runServicesUntil((seen) => seen.filter((line) => line.includes("missed while no scheduler ran")).length >= 3);

    const missed = (runs: FlowRun[]): FlowRun[] => runs.filter((run) => run.expectedStartTime <= restartedAt);
    const toRun = (runs: FlowRun[]): string[] => missed(runs).filter((run) => run.stateType !== "CANCELLED").map((run) => run.expectedStartTime.slice(11, 16));
    const createdAfterRestart = (runs: FlowRun[]): number => missed(runs).filter((run) => run.createdAt >= restartedAt).length;

    const skipRuns = await runsOf(skip.id);
    expect(toRun(skipRuns)).toEqual([]);
    expect(createdAfterRestart(skipRuns)).toBe(0);
    // The runs made ahead of time for missed slots end Cancelled, saying why.
    const cancelled = missed(skipRuns).filter((run) => run.stateType === "CANCELLED");
    expect(cancelled.map((run) => run.expectedStartTime.slice(11, 16))).toEqual(["01:00", "02:00", "03:00"]);
    expect(cancelled[0]!.state.message).toMatch(/skipped: its slot .* was missed while no scheduler ran .* catch-up policy is 'skip'/);

    const latestRuns = await runsOf(latest.id);
    expect(toRun(latestRuns)).toEqual(["05:00"]);
    expect(createdAfterRestart(latestRuns)).toBe(1);

    const allRuns = await runsOf(all.id);
    expect(toRun(allRuns)).toEqual(["03:00", "04:00", "05:00"]);
    expect(createdAfterRestart(allRuns)).toBe(2);
    // The future slots are scheduled as usual.
    expect(allRuns.filter((run) => run.expectedStartTime > restartedAt).map((run) => run.expectedStartTime.slice(11, 16))).toEqual(["06:00", "07:00", "08:00"]);

    // One log line per schedule, with the skipped slots.
    const lineOf = (deployment: Deployment): string => lines.find((line) => line.includes(deployment.id)) ?? "";
    expect(lineOf(skip)).toMatch(/^scheduler: skipped 5 slots from 2026-09-01T01:00:00.000Z to 2026-09-01T05:00:00.000Z .*catch-up policy 'skip'; 3 run\(s\) created ahead for them cancelled/);
    expect(lineOf(latest)).toMatch(/skipped 4 slots from 2026-09-01T01:00:00.000Z to 2026-09-01T04:00:00.000Z .*'latest'/);
    expect(lineOf(all)).toMatch(/skipped 2 slots from 2026-09-01T01:00:00.000Z to 2026-09-01T02:00:00.000Z .*'all'/);
    // Each skip is also one stored event of its deployment, and counted.
    for (const [deployment, count] of [[skip, 5], [latest, 4], [all, 2]] as const) {
      const stored = await bed.opened[0]!.orchestration.listEvents({ resourceId: deployment.id, events: ["deployment.slots-skipped"] });
      expect(stored.events.map((event) => [event.payload.count, event.payload.first, event.related.some((related) => related.kind === "schedule")])).toEqual([[count, "2026-09-01T01:00:00.000Z", true]]);
    }
    expect(skippedCounts).toEqual({ skip: 5, latest: 4, all: 2 });
    // The runs the late-runs service marked Late have their flow-run.Late events.
    const lateEvents = await bed.opened[0]!.orchestration.listEvents({ related: [all.id], events: ["flow-run.Late"] });
    expect(lateEvents.events.length).toBeGreaterThan(0);

    // Oldest first, through the deployment's concurrency limit of 1.
    const api = bed.opened[0]!.orchestration;
    const claim = (): Promise<FlowRun[]> => api.claimFlowRuns({ workPoolName: "default", workQueueNames: ["queue-catchup-all"], workerId: "worker-1", limit: 10 });
    const order: string[] = [];
    for (let step = 0; step < 3; step++) {
      const claimed = await claim();
      expect(claimed).toHaveLength(1);
      order.push(claimed[0]!.expectedStartTime.slice(11, 16));
      await api.setFlowRunState(claimed[0]!.id, { state: makeState("Running", { now: bed.clock.now() }) });
      expect(await claim()).toEqual([]);
      await api.setFlowRunState(claimed[0]!.id, { state: makeState("Completed", { now: bed.clock.now() }) });
    }
    expect(order).toEqual(["03:00", "04:00", "05:00"]);
  }, 60_000);

  it("a schedule's own policy overrides its deployment's; no downtime, no catch-up", async () => {
    bed.clock.set("2026-09-02T00:30:00Z");
    const deployment = await createDeploymentService(bed.opened[0]!.context).upsertDeployment({
      name: "override",
      flowName: "flow-override",
      entrypoint: "flows.ts:flow",
      catchup: "skip",
      schedules: [{ schedule: { cron: "0 * * * *" }, catchup: "all", catchupWindow: 7200 }],
    });
    expect(deployment.schedules[0]).toMatchObject({ catchup: "all", catchupWindow: 7200, overlap: null });
    const policy = { horizonSeconds: 0, minRuns: 0, maxRuns: 100, maxLatenessSeconds: 300 };
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    // Passes every 4 minutes: never a gap longer than the tolerance, so nothing is missed, whatever the policy.
    for (let step = 0; step < 20; step++) {
      bed.clock.advance(4 * MINUTE);
      const { skipped } = await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
      expect(skipped).toEqual([]);
    }
    expect((await runsOf(deployment.id)).map((run) => run.expectedStartTime.slice(11, 16))).toEqual(["01:00"]);
    // Down from 01:50 to 05:10: the schedule's `all` with a 2 h window runs 04:00 and 05:00 (not 02:00, 03:00).
    bed.clock.set("2026-09-02T05:10:00Z");
    const pass = await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    expect(pass.skipped.filter((skipped) => skipped.deploymentId === deployment.id).map((skipped) => [skipped.policy, skipped.count, skipped.first.slice(11, 16), skipped.last.slice(11, 16)])).toEqual([["all", 2, "02:00", "03:00"]]);
    expect((await runsOf(deployment.id)).map((run) => run.expectedStartTime.slice(11, 16))).toEqual(["01:00", "04:00", "05:00"]);
  });
});

describe("overlap policy", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-10-01T00:00:30Z");
  });
  afterAll(async () => bed?.close());

  const minutely: ScheduleSpec = { cron: "* * * * *" };
  const policy = { horizonSeconds: 120, minRuns: 1, maxRuns: 100, maxLatenessSeconds: 300 };

  function deploy(name: string, overlap: Deployment["overlap"]): Promise<Deployment> {
    return createDeploymentService(bed.opened[0]!.context).upsertDeployment({
      name,
      flowName: `flow-${name}`,
      entrypoint: "flows.ts:flow",
      workQueueName: `queue-${name}`,
      overlap,
      schedules: [{ schedule: minutely }],
    });
  }

  async function activeRuns(deploymentId: string): Promise<FlowRun[]> {
    const page = await bed.opened[0]!.orchestration.listFlowRuns({ deploymentIds: [deploymentId], stateTypes: ["PENDING", "RUNNING", "CANCELLING", "PAUSED"] }, { limit: 100 });
    return page.items;
  }

  /** One simulated minute: the scheduler passes, a worker claims what is due and runs it. */
  async function minute(queueName: string): Promise<FlowRun[]> {
    bed.clock.advance(MINUTE);
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const api = bed.opened[0]!.orchestration;
    const claimed = await api.claimFlowRuns({ workPoolName: "default", workQueueNames: [queueName], workerId: "worker-1", limit: 10 });
    for (const run of claimed) await api.setFlowRunState(run.id, { state: makeState("Running", { now: bed.clock.now() }) });
    return claimed;
  }

  async function finish(run: FlowRun): Promise<void> {
    await bed.opened[0]!.orchestration.setFlowRunState(run.id, { state: makeState("Completed", { now: bed.clock.now() }) });
  }

  async function byState(deploymentId: string): Promise<string[]> {
    const page = await bed.opened[0]!.orchestration.listFlowRuns({ deploymentIds: [deploymentId] }, { limit: 100 });
    return page.items
      .filter((run) => run.expectedStartTime <= bed.clock.now().toISOString())
      .sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime))
      .map((run) => `${run.expectedStartTime.slice(11, 16)} ${run.stateName}`);
  }

  it("skip: a long run on a minutely schedule is never joined by a second active run", async () => {
    const deployment = await deploy("overlap-skip", "skip");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const [first] = await minute("queue-overlap-skip");
    expect(first).toBeDefined();
    // The first run takes 4 minutes: the slots meanwhile are skipped, never two active.
    for (let step = 0; step < 3; step++) {
      expect(await minute("queue-overlap-skip")).toEqual([]);
      expect(await activeRuns(deployment.id)).toHaveLength(1);
    }
    await finish(first!);
    expect(await minute("queue-overlap-skip")).toHaveLength(1);
    expect(await byState(deployment.id)).toEqual(["00:01 Completed", "00:02 Cancelled", "00:03 Cancelled", "00:04 Cancelled", "00:05 Running"]);
    const skipped = await bed.opened[0]!.orchestration.listFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["CANCELLED"] }, { limit: 1 });
    expect(skipped.items[0]!.state.message).toMatch(/^skipped: run '.*' \(.*\) of deployment 'overlap-skip' is still Running \(overlap policy skip\)$/);
  });

  it("skip also holds back a served runner proposing Running directly", async () => {
    const deployment = await deploy("overlap-skip-served", "skip");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const api = bed.opened[0]!.orchestration;
    const [first] = await minute("queue-overlap-skip-served");
    bed.clock.advance(MINUTE);
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const due = (await api.listFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["SCHEDULED"] }, { limit: 10 })).items.sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime))[0]!;
    const result = await api.setFlowRunState(due.id, { state: makeState("Running", { now: bed.clock.now() }) });
    expect(result.status).toBe("ABORT");
    expect(result.state.type).toBe("CANCELLED");
    expect((await activeRuns(deployment.id)).map((run) => run.id)).toEqual([first!.id]);
  });

  it("buffer-one: at most one run waits behind the active one, and it runs next", async () => {
    const deployment = await deploy("overlap-buffer", "buffer-one");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const start = bed.clock.now();
    const [first] = await minute("queue-overlap-buffer");
    expect(await minute("queue-overlap-buffer")).toEqual([]);
    expect(await minute("queue-overlap-buffer")).toEqual([]);
    const slot = (offsetMinutes: number): string => new Date(Math.floor(start.getTime() / MINUTE) * MINUTE + offsetMinutes * MINUTE).toISOString().slice(11, 16);
    expect(await byState(deployment.id)).toEqual([`${slot(1)} Running`, `${slot(2)} AwaitingConcurrencySlot`, `${slot(3)} Cancelled`]);
    expect(await activeRuns(deployment.id)).toHaveLength(1);
    await finish(first!);
    bed.clock.advance(10_000);
    const api = bed.opened[0]!.orchestration;
    const next = await api.claimFlowRuns({ workPoolName: "default", workQueueNames: ["queue-overlap-buffer"], workerId: "worker-1", limit: 10 });
    expect(next.map((run) => run.expectedStartTime.slice(11, 16))).toEqual([slot(2)]);
  });

  it("cancel-other: the active run is cancelled when the next slot starts", async () => {
    const deployment = await deploy("overlap-cancel", "cancel-other");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const [first] = await minute("queue-overlap-cancel");
    const [second] = await minute("queue-overlap-cancel");
    expect(second).toBeDefined();
    const api = bed.opened[0]!.orchestration;
    const old = await api.readFlowRun(first!.id);
    expect(old.stateName).toBe("Cancelling");
    expect(old.state.message).toMatch(/overlap policy cancel-other/);
    expect((await api.readFlowRun(second!.id)).stateName).toBe("Running");
    expect(deployment.overlap).toBe("cancel-other");
  });

  it("runs created by hand are never held back", async () => {
    const deployment = await deploy("overlap-manual", "skip");
    await scheduleDeploymentRuns(bed.opened[0]!.context, policy);
    const [first] = await minute("queue-overlap-manual");
    const api = bed.opened[0]!.orchestration;
    const manual = await api.createDeploymentFlowRun(deployment.id, {});
    const claimed = await api.claimFlowRuns({ workPoolName: "default", workQueueNames: ["queue-overlap-manual"], workerId: "worker-1", limit: 10 });
    expect(claimed.map((run) => run.id)).toContain(manual.id);
    expect((await activeRuns(deployment.id)).map((run) => run.id).sort()).toEqual([first!.id, manual.id].sort());
  });
});
