/**
 * The task-queue service on SQLite and PostgreSQL: claims in order without overlap, an expired
 * lease makes an item claimable again, only the current claimant records an outcome (so a
 * finished item is recorded once), outcomes are read back once, and unclaimed items withdraw.
 */
import { describe, expect, it } from "vitest";
import type { EnqueueTaskRunInput } from "../../src/core/task-queue.js";
import { FakeClock } from "../sdk/sdk-harness.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

const clock = new FakeClock();
const { client } = useTestOrchestration({ clock });

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

describe("task queue service", () => {
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
});
