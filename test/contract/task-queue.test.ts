/**
 * The task-queue service on SQLite and PostgreSQL, in process and over HTTP (the same cases
 * through `InProcessClient` and through `HttpClient` and the server's routes): claims in order
 * without overlap, an expired lease makes an item claimable again, only the current claimant
 * records an outcome (so a finished item is recorded once), outcomes are read back once (or read
 * and then deleted), an item enqueued twice is kept once, and unclaimed items withdraw.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { EnqueueTaskRunInput, TaskQueueApi } from "../../src/core/task-queue.js";
import { MAX_FINISHED_READ_BYTES } from "../../src/orchestration/task-queue-service.js";
import { FakeClock } from "../sdk/sdk-harness.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { createServerTestApp, type ServerTestApp } from "../server/server-test-app.js";

const inProcessClock = new FakeClock();
const { client: inProcess } = useTestOrchestration({ clock: inProcessClock });
const httpClock = new FakeClock();
let server: ServerTestApp | null = null;
beforeAll(async () => {
  server = await createServerTestApp({ clock: httpClock });
});
afterAll(async () => {
  await server?.close();
});

const implementations: { name: string; client: () => OrchestrationApi & TaskQueueApi; clock: FakeClock }[] = [
  { name: "in process", client: () => inProcess, clock: inProcessClock },
  { name: "over HTTP", client: () => server!.client, clock: httpClock },
];

function items(queue: string, count: number, owner = "caller-1"): EnqueueTaskRunInput[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${queue}-tr-${String(index).padStart(5, "0")}:1`,
    queue,
    owner,
    taskRunId: `tr-${index}`,
    flowRunId: null,
    module: "/app/flows.ts",
    taskName: "square",
    args: JSON.stringify([index]),
    attempt: 1,
    timeoutMs: null,
  }));
}

describe.each(implementations)("task queue service ($name)", ({ client: clientOf, clock }) => {
  let client: OrchestrationApi & TaskQueueApi;
  beforeAll(() => {
    client = clientOf();
  });

  it("claims in submission order, never the same item twice while its lease holds", async () => {
    await client.enqueueTaskRuns(items("q-order", 1200));
    const first = await client.claimTaskRuns({ queue: "q-order", workerName: "a", limit: 700, leaseSeconds: 30 });
    const second = await client.claimTaskRuns({ queue: "q-order", workerName: "b", limit: 1000, leaseSeconds: 30 });
    expect(first.map((item) => item.id)).toEqual(items("q-order", 700).map((item) => item.id));
    expect(second).toHaveLength(500);
    expect(new Set([...first, ...second].map((item) => item.id)).size).toBe(1200);
    expect(await client.claimTaskRuns({ queue: "q-order", workerName: "c", limit: 10, leaseSeconds: 30 })).toEqual([]);
    expect(first[0]).toMatchObject({ module: "/app/flows.ts", taskName: "square", args: "[0]", claims: 1 });
    expect(await client.countTaskQueue("q-order")).toEqual({ running: 1200 });
  });

  it("re-claims an item whose lease expired, and records only the current claimant's outcome, once", async () => {
    await client.enqueueTaskRuns(items("q-lease", 2, "caller-2"));
    const [dead] = await client.claimTaskRuns({ queue: "q-lease", workerName: "dead", limit: 1, leaseSeconds: 5 });
    expect(await client.renewTaskRunLeases("other", [dead!.id], 5)).toEqual([]);
    clock.advance(6000);
    const [again] = await client.claimTaskRuns({ queue: "q-lease", workerName: "alive", limit: 1, leaseSeconds: 5 });
    expect(again).toMatchObject({ id: dead!.id, claims: 2 });
    const stale = { id: dead!.id, workerName: "dead", isFailed: false, outcome: JSON.stringify({ value: "stale" }) };
    const current = { id: dead!.id, workerName: "alive", isFailed: false, outcome: JSON.stringify({ value: 4 }) };
    expect(await client.completeTaskRuns([stale])).toEqual([]);
    expect(await client.completeTaskRuns([current])).toEqual([dead!.id]);
    expect(await client.completeTaskRuns([current])).toEqual([]);
    expect(await client.takeFinishedTaskRuns("caller-2", 10)).toEqual([{ id: dead!.id, isFailed: false, outcome: JSON.stringify({ value: 4 }) }]);
    expect(await client.takeFinishedTaskRuns("caller-2", 10)).toEqual([]);
    // The other item was never claimed: it can be withdrawn; a claimed one cannot.
    expect(await client.withdrawTaskRuns(items("q-lease", 2).map((item) => item.id))).toBe(1);
    expect(await client.countTaskQueue("q-lease")).toEqual({});
  });

  it("reads finished items without removing them until their owner deletes them; an item enqueued twice is kept once", async () => {
    const sent = items("q-read", 3, "caller-3");
    await client.enqueueTaskRuns(sent);
    await client.enqueueTaskRuns(sent.slice(0, 2));
    expect(await client.countTaskQueue("q-read")).toEqual({ queued: 3 });
    const claimed = await client.claimTaskRuns({ queue: "q-read", workerName: "w", limit: 3, leaseSeconds: 30 });
    expect(await client.completeTaskRuns(claimed.map((item, index) => ({ id: item.id, workerName: "w", isFailed: index === 2, outcome: JSON.stringify({ value: index }) })))).toHaveLength(3);
    const first = await client.readFinishedTaskRuns("caller-3", 10);
    expect(first.map((item) => [item.id, item.isFailed])).toEqual(sent.map((item, index) => [item.id, index === 2]));
    expect(await client.readFinishedTaskRuns("caller-3", 10)).toEqual(first);
    expect(await client.readFinishedTaskRuns("someone-else", 10)).toEqual([]);
    expect(await client.deleteFinishedTaskRuns("someone-else", [sent[0]!.id])).toBe(0);
    expect(await client.deleteFinishedTaskRuns("caller-3", [sent[0]!.id, sent[1]!.id])).toBe(2);
    expect((await client.readFinishedTaskRuns("caller-3", 10)).map((item) => item.id)).toEqual([sent[2]!.id]);
    expect(await client.deleteFinishedTaskRuns("caller-3", [sent[2]!.id])).toBe(1);
    expect(await client.countTaskQueue("q-read")).toEqual({});
  });

  it("returns a few MiB of outcomes per read: the rest come with the next", async () => {
    const outcome = JSON.stringify({ value: "x".repeat(60 * 1024) });
    const count = Math.ceil(MAX_FINISHED_READ_BYTES / outcome.length) + 5;
    await client.enqueueTaskRuns(items("q-big", count, "caller-4"));
    const claimed = await client.claimTaskRuns({ queue: "q-big", workerName: "w", limit: count, leaseSeconds: 30 });
    await client.completeTaskRuns(claimed.map((item) => ({ id: item.id, workerName: "w", isFailed: false, outcome })));
    const first = await client.takeFinishedTaskRuns("caller-4", 5000);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(count);
    expect(first.every((item) => item.outcome === outcome)).toBe(true);
    const rest = await client.takeFinishedTaskRuns("caller-4", 5000);
    expect(first.length + rest.length).toBe(count);
  });
});
