/**
 * The late-runs loop resumes suspended `waitForEvent` runs from one scan of the stored events:
 * each run on the first event, after its own `since`, that passes its filter (name or prefix,
 * resource, related ids, tags) and matches its payload fields; a run with nothing stored stays
 * suspended. The in-memory filter agrees with the events API's, and waits a scan cut short at
 * its page bound are still found one by one.
 */
import { describe, expect, it } from "vitest";
import { matchesEventFilter, type EventWait } from "../../src/core/event-wait.js";
import type { NewEvent, StoredEventFilter } from "../../src/core/events.js";
import { makeState } from "../../src/core/states.js";
import { appendEvents } from "../../src/orchestration/append-events.js";
import { listEvents } from "../../src/orchestration/event-query.js";
import { findAwaitedEvents } from "../../src/orchestration/maintenance/find-awaited-events.js";
import { resumeRunsOnEvents } from "../../src/orchestration/maintenance/resume-runs-on-events.js";
import { deployWithSchedule, useServiceTestBed } from "./service-test-kit.js";

const T0 = "2026-07-01T12:00:00.000Z";
const at = (seconds: number): string => new Date(Date.parse(T0) + seconds * 1000).toISOString();

function orderEvent(id: string, name: string, order: string, seconds: number, extra: { tags?: string[]; customer?: string; amount?: number } = {}): NewEvent {
  return {
    id,
    occurred: at(seconds),
    event: name,
    resource: { kind: "order", id: order },
    related: [...(extra.customer ? [{ kind: "customer", id: extra.customer }] : []), ...(extra.tags ?? []).map((tag) => ({ kind: "tag", id: tag, name: tag }))],
    payload: { amount: extra.amount ?? 0 },
  };
}

describe("resuming suspended waitForEvent runs", () => {
  const { bed, api, ctx } = useServiceTestBed(T0);

  async function storeEvents(events: NewEvent[]): Promise<void> {
    await ctx().database.writeTransaction(async (trx) => void (await appendEvents(trx, events, bed().clock.now())));
  }

  async function suspendedOn(deploymentId: string, wait: EventWait): Promise<string> {
    const run = await api().createDeploymentFlowRun(deploymentId);
    for (const step of ["Pending", "Running"] as const) {
      expect((await api().setFlowRunState(run.id, { state: makeState(step, { now: bed().clock.now() }) })).status).toBe("ACCEPT");
    }
    const wakeAt = at(86_400);
    const suspended = makeState("Suspended", { now: bed().clock.now(), scheduledTime: wakeAt, details: { pauseKey: "pause-1", wakeAt, waitForEvent: wait } });
    expect((await api().setFlowRunState(run.id, { state: suspended })).status).toBe("ACCEPT");
    return run.id;
  }

  const matchedEventOf = async (id: string): Promise<string | undefined> => ((await api().readFlowRun(id)).state.details?.matchedEvent as { id: string } | undefined)?.id;

  it("resumes each run on its first matching event after its own since, and leaves one with none suspended", async () => {
    bed().clock.set(T0);
    const deployment = await deployWithSchedule(bed().opened[0]!, "event-waits", null);
    const byResource = await suspendedOn(deployment.id, { filter: { events: ["order.paid"], resourceId: "order-1" }, match: {}, since: at(0) });
    const laterSince = await suspendedOn(deployment.id, { filter: { events: ["order.paid"], resourceId: "order-1" }, match: {}, since: at(15) });
    const byPrefixTagAndPayload = await suspendedOn(deployment.id, { filter: { events: ["order.*"], tags: ["eu"] }, match: { amount: 5 }, since: at(0) });
    const byRelated = await suspendedOn(deployment.id, { filter: { events: ["order.paid"], related: ["customer-9"] }, match: {}, since: at(0) });
    const nothingYet = await suspendedOn(deployment.id, { filter: { events: ["order.shipped"] }, match: {}, since: at(0) });
    await storeEvents([
      orderEvent("e1", "order.paid", "order-2", 5, { tags: ["customer-9"] }),
      orderEvent("e2", "order.paid", "order-1", 10, { tags: ["eu"], amount: 3 }),
      orderEvent("e3", "order.refunded", "order-4", 12, { tags: ["eu"], amount: 5 }),
      orderEvent("e4", "order.paid", "order-1", 20, { customer: "customer-9", tags: ["eu"], amount: 5 }),
      orderEvent("e5", "order.shipped", "order-1", -30),
    ]);

    expect(await resumeRunsOnEvents(ctx())).toBe(4);
    expect(await matchedEventOf(byResource)).toBe("e2");
    expect(await matchedEventOf(laterSince)).toBe("e4");
    expect(await matchedEventOf(byPrefixTagAndPayload)).toBe("e3");
    // e1 carries customer-9 as a tag only; related ids are not tags.
    expect(await matchedEventOf(byRelated)).toBe("e4");
    for (const id of [byResource, laterSince, byPrefixTagAndPayload, byRelated]) expect((await api().readFlowRun(id)).stateName).toBe("Scheduled");
    // e5 occurred before the wait's since.
    expect((await api().readFlowRun(nothingYet)).stateName).toBe("Suspended");
    expect(await resumeRunsOnEvents(ctx())).toBe(0);

    await storeEvents([orderEvent("e6", "order.shipped", "order-1", 30)]);
    expect(await resumeRunsOnEvents(ctx())).toBe(1);
    expect(await matchedEventOf(nothingYet)).toBe("e6");
  });

  it("matches in memory the events the events API lists for the same filter", async () => {
    const { events } = await listEvents(ctx().database, { limit: 1000 });
    const filters: StoredEventFilter[] = [
      { events: ["order.paid"] },
      { events: ["order.*", "flow-run.Suspended"] },
      { events: ["*"], resourceId: "order-1" },
      { related: ["customer-9"] },
      { tags: ["eu"], since: at(12), until: at(30) },
      { events: ["order.paid"], tags: ["eu"], related: ["customer-9"] },
    ];
    for (const filter of filters) {
      const listed = (await listEvents(ctx().database, { ...filter, limit: 1000 })).events.map((event) => event.id);
      expect(listed.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(events.filter((event) => matchesEventFilter(event, filter)).map((event) => event.id), JSON.stringify(filter)).toEqual(listed);
    }
  });

  it("finds the waits a scan left open at its page bound one by one", async () => {
    const waits: EventWait[] = [
      { filter: { events: ["order.paid"], resourceId: "order-1" }, match: {}, since: at(15) },
      { filter: { events: ["order.shipped"] }, match: {}, since: at(0) },
      { filter: { events: ["order.cancelled"] }, match: {}, since: at(0) },
    ];
    const ids = (found: Awaited<ReturnType<typeof findAwaitedEvents>>) => found.map((event) => event?.id);
    expect(ids(await findAwaitedEvents(ctx().database, waits))).toEqual(["e4", "e6", undefined]);
    expect(ids(await findAwaitedEvents(ctx().database, waits, { pageSize: 1, maxPages: 1 }))).toEqual(["e4", "e6", undefined]);
    expect(ids(await findAwaitedEvents(ctx().database, waits, { pageSize: 2, maxPages: 0 }))).toEqual(["e4", "e6", undefined]);
  });
});
