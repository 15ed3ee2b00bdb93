/**
 * The task-queue routes in process (the app through `app.request`, on SQLite or PostgreSQL per
 * WEIR_TEST_DB): bad input is refused with 422 naming the field; a claim with `waitSeconds` waits
 * at the server and is answered as soon as an item is enqueued through it (or, enqueued behind
 * its back, at its next re-check), and a caller that hangs up claims nothing; the HTTP client
 * splits large batches to fit the server's limits.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { MAX_INLINE_TASK_PAYLOAD_BYTES, MAX_TASK_QUEUE_BATCH, type EnqueueTaskRunInput } from "../../src/core/task-queue.js";
import { createTaskQueueService } from "../../src/orchestration/task-queue-service.js";
import { CLAIM_RECHECK_MS } from "../../src/server/routes/task-queue-routes.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "../server/server-test-app.js";

let server: ServerTestApp;
beforeAll(async () => {
  server = await createServerTestApp();
});
afterAll(async () => {
  await server.close();
});

function items(queue: string, count: number, args = "[1]"): EnqueueTaskRunInput[] {
  return Array.from({ length: count }, (_, index) => ({
    id: `${queue}-${String(index).padStart(5, "0")}:1`,
    queue,
    owner: "caller",
    taskRunId: `${queue}-${index}`,
    flowRunId: null,
    module: "/app/flows.ts",
    taskName: "square",
    args,
    attempt: 1,
    timeoutMs: null,
  }));
}

async function post(path: string, body: unknown, signal?: AbortSignal): Promise<{ status: number; body: { items?: unknown[]; error?: { code: string; details?: { issues?: { path: string }[] } } } }> {
  const response = await server.app.request(`${IN_PROCESS_URL}/api${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });
  return { status: response.status, body: (await response.json()) as never };
}

function refusedFields(answer: Awaited<ReturnType<typeof post>>): string[] {
  expect(answer.status).toBe(422);
  expect(answer.body.error?.code).toBe("VALIDATION");
  return (answer.body.error?.details?.issues ?? []).map((issue) => issue.path).sort();
}

describe("task-queue routes", () => {
  it("refuse bad input with 422 naming each bad field", async () => {
    const [good] = items("q-bad", 1);
    const tooLong = "[" + "1,".repeat(MAX_INLINE_TASK_PAYLOAD_BYTES / 2) + "1]";
    expect(refusedFields(await post("/task-queue-items", { items: [{ ...good, queue: "no spaces", args: tooLong, attempt: -1 }] }))).toEqual(["items.0.args", "items.0.attempt", "items.0.queue"]);
    expect(refusedFields(await post("/task-queue-items", { items: [{ ...good, module: " " }] }))).toEqual(["items.0.module"]);
    expect(refusedFields(await post("/task-queue-items/claim", { queue: "q-bad", workerName: "w", limit: 0, leaseSeconds: 0, waitSeconds: 60 }))).toEqual(["leaseSeconds", "limit", "waitSeconds"]);
    expect(refusedFields(await post("/task-queue-items/complete", { outcomes: [{ id: "x:1", workerName: "w", isFailed: "no", outcome: "x".repeat(MAX_INLINE_TASK_PAYLOAD_BYTES + 1) }] }))).toEqual(["outcomes.0.isFailed", "outcomes.0.outcome"]);
    expect(refusedFields(await post("/task-queue-items/withdraw", { ids: Array.from({ length: MAX_TASK_QUEUE_BATCH + 1 }, (_, index) => `x:${index}`) }))).toEqual(["ids"]);
    const counts = await server.app.request(`${IN_PROCESS_URL}/api/task-queues/${"q".repeat(101)}`);
    expect(counts.status).toBe(422);
    expect(await server.client.countTaskQueue("q-bad")).toEqual({});
  });

  it("keeps a task timeout longer than 2^31 ms (PostgreSQL stored it in 4 bytes)", async () => {
    const thirtyDaysMs = 30 * 86_400_000;
    await server.client.enqueueTaskRuns(items("q-long", 1).map((item) => ({ ...item, timeoutMs: thirtyDaysMs })));
    const [claimed] = await server.client.claimTaskRuns({ queue: "q-long", workerName: "w", limit: 1, leaseSeconds: 30 });
    expect(claimed?.timeoutMs).toBe(thirtyDaysMs);
  });

  it("a waiting claim is answered as soon as an item is enqueued through the server", async () => {
    const started = performance.now();
    const claiming = server.client.claimTaskRuns({ queue: "q-wait", workerName: "w", limit: 10, leaseSeconds: 30, waitSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    await server.client.enqueueTaskRuns(items("q-wait", 2));
    const claimed = await claiming;
    const waitedMs = performance.now() - started;
    expect(claimed.map((item) => item.id)).toEqual(items("q-wait", 2).map((item) => item.id));
    expect(waitedMs).toBeGreaterThanOrEqual(300);
    expect(waitedMs).toBeLessThan(5000);
  });

  it("a waiting claim finds an item enqueued behind the server's back at its next re-check, and gives up after waitSeconds", async () => {
    const started = performance.now();
    expect(await server.client.claimTaskRuns({ queue: "q-elsewhere", workerName: "w", limit: 10, leaseSeconds: 30, waitSeconds: 0.6 })).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
    const claiming = server.client.claimTaskRuns({ queue: "q-elsewhere", workerName: "w", limit: 10, leaseSeconds: 30, waitSeconds: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Straight into the database, as another server or a directly connected process would.
    const enqueuedAt = performance.now();
    await createTaskQueueService(server.context).enqueueTaskRuns(items("q-elsewhere", 1));
    expect(await claiming).toHaveLength(1);
    expect(performance.now() - enqueuedAt).toBeLessThan(CLAIM_RECHECK_MS + 2000);
  });

  it("a caller that hangs up while its claim waits claims nothing", async () => {
    const hangUp = new AbortController();
    const claiming = post("/task-queue-items/claim", { queue: "q-gone", workerName: "gone", limit: 10, leaseSeconds: 30, waitSeconds: 10 }, hangUp.signal).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 300));
    hangUp.abort();
    await claiming;
    await server.client.enqueueTaskRuns(items("q-gone", 1));
    await new Promise((resolve) => setTimeout(resolve, CLAIM_RECHECK_MS * 2));
    expect(await server.client.countTaskQueue("q-gone")).toEqual({ queued: 1 });
    expect(await server.client.claimTaskRuns({ queue: "q-gone", workerName: "here", limit: 10, leaseSeconds: 30 })).toHaveLength(1);
  });

  it("the HTTP client splits batches by count and by bytes, keeping their order", async () => {
    const paths: string[] = [];
    const counting = new HttpClient({
      apiUrl: IN_PROCESS_URL,
      fetch: (input: RequestInfo | URL, init?: RequestInit) => {
        const url = new URL(input instanceof Request ? input.url : String(input));
        if (init?.method === "POST") paths.push(url.pathname);
        return server.fetch(input, init);
      },
    });
    const many = items("q-many", MAX_TASK_QUEUE_BATCH * 2 + 500);
    await counting.enqueueTaskRuns(many);
    expect(paths.filter((path) => path === "/api/task-queue-items")).toHaveLength(3);
    // 100 items of ~60 KiB: about 6 MB, over the client's 4 MiB per request.
    const bigArgs = JSON.stringify(["y".repeat(60 * 1024)]);
    const big = items("q-bytes", 100, bigArgs);
    paths.length = 0;
    await counting.enqueueTaskRuns(big);
    expect(paths.filter((path) => path === "/api/task-queue-items").length).toBeGreaterThanOrEqual(2);
    const claimed = await counting.claimTaskRuns({ queue: "q-bytes", workerName: "w", limit: 100, leaseSeconds: 30 });
    expect(claimed.map((item) => item.id)).toEqual(big.map((item) => item.id));
    expect(claimed.every((item) => item.args === bigArgs)).toBe(true);
    paths.length = 0;
    const recorded = await counting.completeTaskRuns(claimed.map((item) => ({ id: item.id, workerName: "w", isFailed: false, outcome: JSON.stringify({ value: item.args }) })));
    expect(recorded).toHaveLength(100);
    expect(paths.filter((path) => path === "/api/task-queue-items/complete").length).toBeGreaterThanOrEqual(2);
    const manyClaimed = await counting.claimTaskRuns({ queue: "q-many", workerName: "w", limit: 5000, leaseSeconds: 30 });
    expect(manyClaimed).toHaveLength(MAX_TASK_QUEUE_BATCH);
    expect((await counting.renewTaskRunLeases("w", many.map((item) => item.id), 30)).sort()).toEqual(manyClaimed.map((item) => item.id).sort());
    expect(await counting.withdrawTaskRuns(many.map((item) => item.id))).toBe(many.length - MAX_TASK_QUEUE_BATCH);
    await counting.close();
  });
});
