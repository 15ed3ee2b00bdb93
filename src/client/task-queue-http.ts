/**
 * The task-queue part of `HttpClient` (`TaskQueueApi` over src/server/routes/task-queue-routes.ts),
 * so that flows and task workers reaching the server only by `WEIR_API_URL` can use task queues.
 * Batches are split to fit the server: at most MAX_TASK_QUEUE_BATCH entries and `maxBatchBytes`
 * of JSON per request. Reading finished items takes two calls, read then delete, each safe to
 * repeat: an answer lost on the way never loses an outcome.
 */
import { MAX_TASK_QUEUE_BATCH, type ClaimedTaskRun, type ClaimTaskRunsInput, type CompleteTaskRunInput, type EnqueueTaskRunInput, type FinishedTaskRun, type TaskQueueApi } from "../core/task-queue.js";
import type { HttpRequest, RetryBudget } from "./http-request.js";

/** Send one request under `/api` and return its parsed JSON answer (HttpClient's own call). */
export type SendHttpCall = (request: HttpRequest, budget: RetryBudget) => Promise<unknown>;

/** `TaskQueueApi` over HTTP. */
export class TaskQueueHttp implements TaskQueueApi {
  constructor(
    private readonly send: SendHttpCall,
    private readonly maxBatchBytes: number,
  ) {}

  async enqueueTaskRuns(items: readonly EnqueueTaskRunInput[]): Promise<void> {
    // Repeating an enqueue keeps the items already there, so it is safe to retry.
    for (const bodyText of this.#bodies("items", items)) await this.send({ method: "POST", path: "/task-queue-items", bodyText }, "idempotent");
  }

  async claimTaskRuns(input: ClaimTaskRunsInput): Promise<ClaimedTaskRun[]> {
    const limit = Math.min(Math.max(1, Math.floor(input.limit)), MAX_TASK_QUEUE_BATCH);
    // Sent once: a claim repeated after a lost answer would take more items (the first ones come back when their lease ends).
    const answer = (await this.send({ method: "POST", path: "/task-queue-items/claim", body: { ...input, limit } }, "once")) as { items: ClaimedTaskRun[] };
    return answer.items;
  }

  async renewTaskRunLeases(workerName: string, ids: readonly string[], leaseSeconds: number): Promise<string[]> {
    const held: string[] = [];
    for (const chunk of chunksOf(ids, MAX_TASK_QUEUE_BATCH)) {
      const answer = (await this.send({ method: "POST", path: "/task-queue-items/renew", body: { workerName, ids: chunk, leaseSeconds } }, "idempotent")) as { ids: string[] };
      held.push(...answer.ids);
    }
    return held;
  }

  async completeTaskRuns(outcomes: readonly CompleteTaskRunInput[]): Promise<string[]> {
    const recorded: string[] = [];
    // Recording an outcome twice records it once: safe to retry.
    for (const bodyText of this.#bodies("outcomes", outcomes)) {
      const answer = (await this.send({ method: "POST", path: "/task-queue-items/complete", bodyText }, "idempotent")) as { ids: string[] };
      recorded.push(...answer.ids);
    }
    return recorded;
  }

  async readFinishedTaskRuns(owner: string, limit: number): Promise<FinishedTaskRun[]> {
    const query = { owner, limit: Math.min(Math.max(1, Math.floor(limit)), MAX_TASK_QUEUE_BATCH) };
    return ((await this.send({ method: "GET", path: "/task-queue-items/finished", query }, "idempotent")) as { items: FinishedTaskRun[] }).items;
  }

  async deleteFinishedTaskRuns(owner: string, ids: readonly string[]): Promise<number> {
    let count = 0;
    for (const chunk of chunksOf(ids, MAX_TASK_QUEUE_BATCH)) {
      count += ((await this.send({ method: "POST", path: "/task-queue-items/finished/delete", body: { owner, ids: chunk } }, "idempotent")) as { count: number }).count;
    }
    return count;
  }

  async takeFinishedTaskRuns(owner: string, limit: number): Promise<FinishedTaskRun[]> {
    const finished = await this.readFinishedTaskRuns(owner, limit);
    if (finished.length > 0) await this.deleteFinishedTaskRuns(owner, finished.map((item) => item.id));
    return finished;
  }

  async withdrawTaskRuns(ids: readonly string[]): Promise<number> {
    let count = 0;
    for (const chunk of chunksOf(ids, MAX_TASK_QUEUE_BATCH)) {
      count += ((await this.send({ method: "POST", path: "/task-queue-items/withdraw", body: { ids: chunk } }, "idempotent")) as { count: number }).count;
    }
    return count;
  }

  async countTaskQueue(queue: string): Promise<Record<string, number>> {
    return ((await this.send({ method: "GET", path: `/task-queues/${encodeURIComponent(queue)}` }, "idempotent")) as { counts: Record<string, number> }).counts;
  }

  // Request bodies `{ [field]: entries }`, in order, each within MAX_TASK_QUEUE_BATCH entries and maxBatchBytes (one entry alone may pass it).
  #bodies(field: string, entries: readonly unknown[]): string[] {
    const bodies: string[] = [];
    let batch: string[] = [];
    let bytes = 0;
    const close = () => {
      if (batch.length > 0) bodies.push(`{"${field}":[${batch.join(",")}]}`);
      batch = [];
      bytes = 0;
    };
    for (const entry of entries) {
      const text = JSON.stringify(entry);
      const size = Buffer.byteLength(text) + 1;
      if (batch.length >= MAX_TASK_QUEUE_BATCH || (batch.length > 0 && bytes + size > this.maxBatchBytes)) close();
      batch.push(text);
      bytes += size;
    }
    close();
    return bodies;
  }
}

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}
