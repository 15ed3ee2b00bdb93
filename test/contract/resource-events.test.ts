/**
 * The stored events of deployments, schedules, work pools and queues and workers (issue 14): one
 * per change, in the change's transaction, none for a no-op; worker online/offline and pool
 * healthy/unhealthy reported once per change. On the engine WEIR_TEST_DB names, with a clock
 * moved by hand.
 */
import { describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/core/events.js";
import { appendEvents } from "../../src/orchestration/append-events.js";
import { reportOfflineWorkers } from "../../src/orchestration/worker-status-events.js";
import { createRetentionService } from "../../src/services/retention-service.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { ManualClock } from "./contract-helpers.js";

describe("resource events", () => {
  const clock = new ManualClock(Date.parse("2031-03-01T00:00:00.000Z"));
  const { opened } = useTestOrchestration({ clock });
  const api = () => opened.orchestration;

  async function eventsOf(filter: { resourceId?: string; related?: string[]; events?: string[] }): Promise<StoredEvent[]> {
    return (await api().listEvents({ ...filter, limit: 1000 })).events.reverse();
  }
  const names = (events: StoredEvent[]): string[] => events.map((event) => event.event);

  it("deployments and their schedules: created, updated only when something changed, deleted", async () => {
    const pool = await api().createWorkPool({ name: "events-pool" });
    const input = {
      name: "nightly",
      flowName: "etl",
      entrypoint: "flows.ts:etl",
      workPoolName: pool.name,
      workQueueName: "etl-queue",
      tags: ["prod"],
      schedules: [{ schedule: { interval: 3600 } }],
    };
    const deployment = await api().upsertDeployment(input);
    clock.advance(1000);
    await api().upsertDeployment(input);
    clock.advance(1000);
    await api().upsertDeployment({ ...input, description: "changed", schedules: [{ schedule: { interval: 7200 } }] });
    clock.advance(1000);
    await api().updateDeployment(deployment.id, { isPaused: true });
    await api().updateDeployment(deployment.id, { isPaused: true });

    const events = await eventsOf({ related: [deployment.id] });
    const own = await eventsOf({ resourceId: deployment.id });
    expect(names(own)).toEqual(["deployment.created", "deployment.updated", "deployment.updated"]);
    expect(own[1]!.payload).toEqual({ changed: ["description", "schedules"] });
    expect(own[2]!.payload).toEqual({ changed: ["isPaused"] });
    expect(own[0]!.resource).toEqual({ kind: "deployment", id: deployment.id, name: "etl/nightly" });
    expect(own[0]!.related).toEqual([
      { kind: "flow", id: deployment.flowId, name: "etl" },
      { kind: "work-pool", id: pool.name, name: pool.name },
      { kind: "work-queue", id: `${pool.name}/etl-queue`, name: "etl-queue" },
      { kind: "tag", id: "prod", name: "prod" },
    ]);
    expect(names(events)).toEqual(["schedule.created", "schedule.deleted", "schedule.created"]);

    const schedule = await api().createDeploymentSchedule(deployment.id, { schedule: { cron: "0 8 * * *" } });
    await api().updateDeploymentSchedule(deployment.id, schedule.id, { isActive: false });
    await api().updateDeploymentSchedule(deployment.id, schedule.id, { isActive: false });
    await api().deleteDeploymentSchedule(deployment.id, schedule.id);
    expect(names(await eventsOf({ resourceId: schedule.id }))).toEqual(["schedule.created", "schedule.updated", "schedule.deleted"]);
    expect((await eventsOf({ resourceId: schedule.id }))[1]!.payload).toMatchObject({ changed: ["isActive"], isActive: false });

    await api().deleteDeployment(deployment.id);
    expect(names(await eventsOf({ resourceId: deployment.id })).slice(-1)).toEqual(["deployment.deleted"]);
    // The queue the deployment created in passing has its event too.
    expect(names(await eventsOf({ resourceId: `${pool.name}/etl-queue` }))).toEqual(["work-queue.created"]);
  });

  it("work pools and queues: created, updated, deleted", async () => {
    const pool = await api().createWorkPool({ name: "pool-crud" });
    await api().updateWorkPool(pool.name, { concurrencyLimit: 3 });
    await api().updateWorkPool(pool.name, { concurrencyLimit: 3 });
    await api().createWorkQueue({ workPoolName: pool.name, name: "fast", priority: 5 });
    await api().updateWorkQueue(pool.name, "fast", { isPaused: true });
    await api().deleteWorkQueue(pool.name, "fast");
    await api().deleteWorkPool(pool.name);
    const poolEvents = await eventsOf({ resourceId: pool.name });
    expect(names(poolEvents)).toEqual(["work-pool.created", "work-pool.updated", "work-pool.deleted"]);
    expect(poolEvents[1]!.payload).toMatchObject({ changed: ["concurrencyLimit"], concurrencyLimit: 3 });
    const queueEvents = await eventsOf({ resourceId: `${pool.name}/fast` });
    expect(names(queueEvents)).toEqual(["work-queue.created", "work-queue.updated", "work-queue.deleted"]);
    expect(queueEvents[0]!.related).toEqual([{ kind: "work-pool", id: pool.name, name: pool.name }]);
  });

  it("workers: online once, offline once when heartbeats stop, again online; the pool healthy/unhealthy with them", async () => {
    const pool = await api().createWorkPool({ name: "pool-health" });
    const first = await api().workerHeartbeat({ workPoolName: pool.name, name: "w1", heartbeatIntervalSeconds: 10 });
    await Promise.all([api().workerHeartbeat({ workPoolName: pool.name, name: "w1", heartbeatIntervalSeconds: 10 }), api().workerHeartbeat({ workPoolName: pool.name, name: "w2", heartbeatIntervalSeconds: 10 })]);
    clock.advance(20_000);
    await api().workerHeartbeat({ workPoolName: pool.name, name: "w2", heartbeatIntervalSeconds: 10 });
    clock.advance(15_000);
    // w1 silent for 35 s (> 3 × 10 s), w2 for 15 s.
    const firstOfflineAt = clock.now().toISOString();
    expect(await reportOfflineWorkers(opened.context)).toEqual([first.id]);
    expect(await reportOfflineWorkers(opened.context)).toEqual([]);
    clock.advance(20_000);
    const [w2] = (await api().listWorkers(pool.name)).filter((worker) => worker.name === "w2");
    expect(await reportOfflineWorkers(opened.context)).toEqual([w2!.id]);
    await api().workerHeartbeat({ workPoolName: pool.name, name: "w1", heartbeatIntervalSeconds: 10 });

    expect(names(await eventsOf({ resourceId: first.id }))).toEqual(["worker.online", "worker.offline", "worker.online"]);
    expect(names(await eventsOf({ resourceId: w2!.id }))).toEqual(["worker.online", "worker.offline"]);
    expect(names(await eventsOf({ resourceId: pool.name, events: ["work-pool.*"] }))).toEqual(["work-pool.created", "work-pool.healthy", "work-pool.unhealthy", "work-pool.healthy"]);
    const offline = (await eventsOf({ resourceId: first.id, events: ["worker.offline"] }))[0]!;
    expect(offline).toMatchObject({ occurred: firstOfflineAt, related: [{ kind: "work-pool", id: pool.name }] });
  });

  it("the retention service deletes events older than the retention age, with their related rows, and nothing newer", async () => {
    const resourceId = crypto.randomUUID();
    const at = (daysAgo: number): string => new Date(clock.now().getTime() - daysAgo * 86_400_000).toISOString();
    await opened.context.database.writeTransaction((trx) =>
      appendEvents(
        trx,
        [10, 8, 6, 1].map((daysAgo) => ({ occurred: at(daysAgo), event: "test.aged", resource: { kind: "test", id: resourceId }, related: [{ kind: "tag", id: `aged-${daysAgo}` }], payload: { daysAgo } })),
        clock.now(),
      ),
    );
    const retention = createRetentionService(opened.context, { intervalMs: 1000, retentionSeconds: 7 * 86_400 });
    await retention.tick({ now: clock.now(), signal: new AbortController().signal });
    expect((await eventsOf({ resourceId })).map((event) => event.payload.daysAgo)).toEqual([6, 1]);
    const related = await opened.context.database.db.selectFrom("event_related").select("related_id").where("related_id", "like", "aged-%").execute();
    expect(related.map((row) => row.related_id).sort()).toEqual(["aged-1", "aged-6"]);
  });
});
