/**
 * Stored events (issue 14): every flow-run state is an event with its related resources, on
 * every write path; services append their own events inside their transactions; listings filter
 * and page; followers see each event exactly once, also when transactions commit out of order
 * (PostgreSQL). On the engine WEIR_TEST_DB names.
 */
import { describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import type { StoredEvent } from "../../src/core/events.js";
import { followEvents } from "../../src/core/follow-events.js";
import { appendEvents } from "../../src/orchestration/append-events.js";
import { testEngine } from "../helpers/test-database.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { expectWeirError } from "./contract-helpers.js";

describe("stored events", () => {
  const { opened } = useTestOrchestration();
  const api = () => opened.orchestration;
  const unique = (prefix: string): string => `${prefix}-${crypto.randomUUID().slice(0, 8)}`;

  async function allEvents(filter: Parameters<ReturnType<typeof api>["listEvents"]>[0] = {}): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    let cursor: string | null = null;
    do {
      const page = await api().listEvents({ ...filter, limit: 7, cursor });
      events.push(...page.events);
      cursor = page.nextCursor;
    } while (cursor !== null);
    return events;
  }

  it("a deployment's run: one flow-run.<State> event per state, with flow, deployment, pool and tags related", async () => {
    const pool = await api().createWorkPool({ name: unique("pool") });
    const deployment = await api().upsertDeployment({ name: unique("dep"), flowName: "evented", entrypoint: "flows.ts:evented", workPoolName: pool.name, tags: ["team-a"] });
    const run = await api().createDeploymentFlowRun(deployment.id, { tags: ["nightly"] });
    const [claimed] = await api().claimFlowRuns({ workPoolName: pool.name, workerId: "w1", limit: 1 });
    expect(claimed?.id).toBe(run.id);
    await api().setFlowRunState(run.id, { state: makeState("Running") });
    await api().setFlowRunState(run.id, { state: makeState("Failed", { message: "boom" }) });

    const states = await api().readFlowRunStates(run.id);
    const events = (await allEvents({ resourceId: run.id })).reverse();
    expect(events.map((event) => event.event)).toEqual(states.map((state) => `flow-run.${state.name}`));
    expect(events.map((event) => event.id)).toEqual(states.map((state) => state.id));
    const failed = events[events.length - 1]!;
    expect(failed).toMatchObject({
      event: "flow-run.Failed",
      resource: { kind: "flow-run", id: run.id, name: run.name },
      payload: { state: { type: "FAILED", name: "Failed", message: "boom" } },
    });
    expect(failed.occurred).toBe(states[states.length - 1]!.timestamp);
    expect(failed.related).toEqual(
      expect.arrayContaining([
        { kind: "flow", id: run.flowId, name: "evented" },
        { kind: "deployment", id: deployment.id, name: deployment.name },
        { kind: "work-pool", id: pool.name, name: pool.name },
        ...run.tags.map((tag) => ({ kind: "tag", id: tag, name: tag })),
      ]),
    );
    expect(run.tags).toEqual(expect.arrayContaining(["nightly"]));

    // Filters: related id, tag, name, prefix.
    expect((await allEvents({ related: [deployment.id] })).map((event) => event.id).sort()).toEqual(events.map((event) => event.id).sort());
    expect((await allEvents({ tags: ["nightly"], related: [pool.name] })).length).toBe(events.length);
    expect((await allEvents({ related: [deployment.id], events: ["flow-run.Failed"] })).map((event) => event.id)).toEqual([failed.id]);
    expect((await allEvents({ related: [deployment.id], events: ["flow-run.Fail*", "flow-run.Pending"] })).map((event) => event.event)).toEqual(["flow-run.Failed", "flow-run.Pending"]);
    expect(await allEvents({ related: [deployment.id], events: ["flow-run.failed"] })).toEqual([]);
    expect(await allEvents({ tags: [pool.name] })).toEqual([]);
  });

  it("runs created in state and moved by the batched paths have their events too, subflows relate to their parent", async () => {
    const parent = await api().createFlowRun({ flowName: "batched", tags: ["t1", "t2"] });
    const child = await api().createFlowRun({ flowName: "batched-child", parentFlowRunId: parent.id, state: makeState("Running") });
    await api().setFlowRunState(child.id, { state: makeState("Completed") });
    await api().setFlowRunState(parent.id, { state: makeState("Running") });
    const parentEvents = (await allEvents({ resourceId: parent.id })).map((event) => event.event).reverse();
    expect(parentEvents).toEqual((await api().readFlowRunStates(parent.id)).map((state) => `flow-run.${state.name}`));
    const childStates = (await api().readFlowRunStates(child.id)).map((state) => `flow-run.${state.name}`);
    expect(childStates.slice(-2)).toEqual(["flow-run.Running", "flow-run.Completed"]);
    expect((await allEvents({ related: [parent.id] })).map((event) => event.event).reverse()).toEqual(childStates);
    expect((await allEvents({ tags: ["t1", "t2"] })).every((event) => event.resource.id === parent.id)).toBe(true);
  });

  it("appendEvents stores a service's events with the change; since/until and paging cover each event once", async () => {
    const resourceId = crypto.randomUUID();
    const first = new Date("2031-01-01T00:00:00.000Z");
    await opened.context.database.writeTransaction(async (trx) => {
      await appendEvents(
        trx,
        Array.from({ length: 20 }, (_, index) => ({
          occurred: new Date(first.getTime() + index * 1000).toISOString(),
          event: index % 2 === 0 ? "deployment.updated" : "deployment.slot-skipped",
          resource: { kind: "deployment", id: resourceId, name: "d" },
          related: [{ kind: "work-pool", id: "p" }, { kind: "tag", id: "x" }, { kind: "tag", id: "x" }],
          payload: { index },
        })),
        first,
      );
    });
    const listed = await allEvents({ resourceId });
    expect(listed.map((event) => event.payload.index)).toEqual(Array.from({ length: 20 }, (_, index) => 19 - index));
    expect(listed[0]!.related).toEqual([{ kind: "work-pool", id: "p", name: null }, { kind: "tag", id: "x", name: null }]);
    const window = await allEvents({ resourceId, since: "2031-01-01T00:00:05Z", until: "2031-01-01T00:00:10Z", events: ["deployment.slot-skipped"] });
    expect(window.map((event) => event.payload.index)).toEqual([9, 7, 5]);
    await expect(opened.context.database.writeTransaction((trx) => appendEvents(trx, [{ event: "no dots", resource: { kind: "x", id: "y" } }], first))).rejects.toThrow(/<kind>.<name>/);
  });

  it("bad filters and cursors are refused naming the field", async () => {
    await expectWeirError(api().listEvents({ events: ["flow-*.x"] }), "VALIDATION", "events[0]");
    await expectWeirError(api().listEvents({ since: "yesterday" }), "VALIDATION", "since");
    await expectWeirError(api().listEvents({ limit: 0 }), "VALIDATION", "limit");
    await expectWeirError(api().listEvents({ cursor: "nope" }), "VALIDATION", "cursor");
    const page = await api().listEvents({ limit: 1 });
    await expectWeirError(api().listEvents({ cursor: page.followCursor }), "VALIDATION", "cursor");
    await expectWeirError(api().readEventsAfter({ after: "nope" }), "VALIDATION", "after");
  });

  it("a follower starting now sees each later event once, in order", async () => {
    const start = await api().readEventsAfter({});
    expect(start.events).toEqual([]);
    const run = await api().createFlowRun({ flowName: "followed", tags: ["followed"] });
    await api().setFlowRunState(run.id, { state: makeState("Running") });
    const stop = new AbortController();
    const seen: string[] = [];
    const following = (async () => {
      for await (const event of followEvents({ read: (input) => api().readEventsAfter(input), filter: { tags: ["followed"] }, after: start.cursor, signal: stop.signal, pollIntervalMs: 20, batchSize: 1 })) {
        seen.push(event.event);
        if (seen.length === 3) stop.abort();
      }
    })();
    await api().setFlowRunState(run.id, { state: makeState("Completed") });
    await following;
    expect(seen).toEqual(["flow-run.Pending", "flow-run.Running", "flow-run.Completed"]);
    const later = await api().readEventsAfter({ after: start.cursor, tags: ["followed"] });
    expect(later.events.map((event) => event.event)).toEqual(seen);
    expect((await api().readEventsAfter({ after: later.cursor, tags: ["followed"] })).events).toEqual([]);
  });

  it("concurrent state changes: exactly one event per stored state", async () => {
    const runs = await Promise.all(Array.from({ length: 12 }, () => api().createFlowRun({ flowName: "concurrent", tags: ["concurrent"] })));
    await Promise.all(
      runs.map(async (run) => {
        await api().setFlowRunState(run.id, { state: makeState("Running") });
        await Promise.all([api().setFlowRunState(run.id, { state: makeState("Completed") }), api().setFlowRunState(run.id, { state: makeState("Failed") })]);
      }),
    );
    let stateCount = 0;
    for (const run of runs) {
      const states = await api().readFlowRunStates(run.id);
      stateCount += states.length;
      expect((await allEvents({ resourceId: run.id })).map((event) => event.id).reverse()).toEqual(states.map((state) => state.id));
    }
    // Each event of the batched statements has its related rows (here: the runs' tag).
    expect(await allEvents({ tags: ["concurrent"] })).toHaveLength(stateCount);
  });

  it.runIf(testEngine() === "postgres")("a transaction that took a lower seq but commits later is not skipped by a follower", async () => {
    const { database } = opened.context;
    const resourceId = crypto.randomUUID();
    const start = await api().readEventsAfter({ resourceId });
    let releaseSlow!: () => void;
    const slowMayCommit = new Promise<void>((resolve) => (releaseSlow = resolve));
    let slowWrote!: () => void;
    const slowHasWritten = new Promise<void>((resolve) => (slowWrote = resolve));
    const slow = database.writeTransaction(async (trx) => {
      await appendEvents(trx, [{ event: "test.slow", resource: { kind: "test", id: resourceId } }], new Date());
      slowWrote();
      await slowMayCommit;
    });
    await slowHasWritten;
    await database.writeTransaction((trx) => appendEvents(trx, [{ event: "test.fast", resource: { kind: "test", id: resourceId } }], new Date()));
    // The fast one is committed but waits behind the slow one's open transaction.
    const whileOpen = await api().readEventsAfter({ resourceId, after: start.cursor });
    expect(whileOpen.events).toEqual([]);
    releaseSlow();
    await slow;
    // Transactions of other sessions (other test files) may hold the horizon back a moment: poll.
    let afterCommit = await api().readEventsAfter({ resourceId, after: whileOpen.cursor });
    for (let attempt = 0; afterCommit.events.length < 2 && attempt < 200; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      afterCommit = await api().readEventsAfter({ resourceId, after: whileOpen.cursor });
    }
    expect(afterCommit.events.map((event) => event.event)).toEqual(["test.slow", "test.fast"]);
    expect((await api().readEventsAfter({ resourceId, after: afterCommit.cursor })).events).toEqual([]);
  });
});
