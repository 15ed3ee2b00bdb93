/**
 * Routes of task queues (src/core/task-queue.ts), so that flows and `weir task-worker` processes
 * that reach the server only by `WEIR_API_URL` can use them: enqueue, claim (optionally held at
 * the server until an item arrives), renew leases, complete, read and delete finished items,
 * withdraw, count. Completion stays guarded by the claim in the service layer: only the worker
 * holding an item's current claim records its outcome.
 */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import {
  claimedTaskRunListSchema,
  claimTaskRunsSchema,
  completeTaskRunsSchema,
  deleteFinishedTaskRunsSchema,
  enqueueTaskRunsSchema,
  finishedTaskRunListSchema,
  finishedTaskRunsQuerySchema,
  renewTaskRunLeasesSchema,
  taskQueueCountsSchema,
  taskQueueItemCountSchema,
  taskQueueItemIdsSchema,
  taskQueueNameSchema,
  withdrawTaskRunsSchema,
} from "../schemas/task-queue-schemas.js";
import { TaskQueueWakeups } from "../task-queue-wakeups.js";

/** While a claim waits at the server, how often it looks at the table again (items enqueued elsewhere). */
export const CLAIM_RECHECK_MS = 250;

/** The task-queue routes. */
export function taskQueueRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  const wakeups = new TaskQueueWakeups();
  return [
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items",
      operationId: "enqueueTaskRuns",
      summary: "Put task-run attempts on their task queues; an item already there is kept (enqueueTaskRuns)",
      body: enqueueTaskRunsSchema,
      response: null,
      handle: async ({ body }) => {
        await api.enqueueTaskRuns(body.items);
        wakeups.wake(body.items.map((item) => item.queue));
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items/claim",
      operationId: "claimTaskRuns",
      summary: "Claim up to `limit` items of a task queue under a lease, waiting up to `waitSeconds` for one (claimTaskRuns)",
      body: claimTaskRunsSchema,
      response: claimedTaskRunListSchema,
      handle: async ({ body, context }) => {
        const { waitSeconds = 0, ...input } = body;
        const deadline = performance.now() + waitSeconds * 1000;
        const signal = context.req.raw.signal;
        for (;;) {
          const items = await api.claimTaskRuns(input);
          const leftMs = deadline - performance.now();
          if (items.length > 0 || leftMs <= 0) return { items };
          await wakeups.wait(input.queue, Math.min(leftMs, CLAIM_RECHECK_MS), signal);
          // A caller that hung up claims nothing more (its items would wait out their lease).
          if (signal.aborted) return { items: [] };
        }
      },
    }),
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items/renew",
      operationId: "renewTaskRunLeases",
      summary: "Extend the leases of items a task worker holds; answers the ids it still holds (renewTaskRunLeases)",
      body: renewTaskRunLeasesSchema,
      response: taskQueueItemIdsSchema,
      handle: async ({ body }) => ({ ids: await api.renewTaskRunLeases(body.workerName, body.ids, body.leaseSeconds) }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items/complete",
      operationId: "completeTaskRuns",
      summary: "Record outcomes; answers the ids recorded (an item another worker re-claimed is not) (completeTaskRuns)",
      body: completeTaskRunsSchema,
      response: taskQueueItemIdsSchema,
      handle: async ({ body }) => ({ ids: await api.completeTaskRuns(body.outcomes) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-queue-items/finished",
      operationId: "readFinishedTaskRuns",
      summary: "Finished items of an owner, oldest first, left in place until deleted (readFinishedTaskRuns)",
      query: finishedTaskRunsQuerySchema,
      response: finishedTaskRunListSchema,
      handle: async ({ query }) => ({ items: await api.readFinishedTaskRuns(query.owner, query.limit ?? 1000) }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items/finished/delete",
      operationId: "deleteFinishedTaskRuns",
      summary: "Delete finished items of an owner once it has read them (deleteFinishedTaskRuns)",
      body: deleteFinishedTaskRunsSchema,
      response: taskQueueItemCountSchema,
      handle: async ({ body }) => ({ count: await api.deleteFinishedTaskRuns(body.owner, body.ids) }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/task-queue-items/withdraw",
      operationId: "withdrawTaskRuns",
      summary: "Remove items no task worker has claimed yet (their attempt was cancelled or timed out) (withdrawTaskRuns)",
      body: withdrawTaskRunsSchema,
      response: taskQueueItemCountSchema,
      handle: async ({ body }) => ({ count: await api.withdrawTaskRuns(body.ids) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-queues/:queue",
      params: { queue: taskQueueNameSchema },
      operationId: "countTaskQueue",
      summary: "How many items a task queue holds, by status (countTaskQueue)",
      response: taskQueueCountsSchema,
      handle: async ({ params }) => {
        const queue = params.queue ?? "";
        return { queue, counts: await api.countTaskQueue(queue) };
      },
    }),
  ];
}
