/** Routes of task runs: batched writes, list, read, state history, cache lookup. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf } from "../schemas/common-schemas.js";
import { stateListSchema } from "../schemas/flow-run-schemas.js";
import {
  cacheHitSchema,
  cacheQuerySchema,
  listTaskRunsQuerySchema,
  taskRunPageSchema,
  taskRunSchema,
  taskRunWriteResultSchema,
  writeTaskRunsSchema,
} from "../schemas/task-run-schemas.js";
import { isPlainTaskRunBatch } from "../schemas/task-run-batch-check.js";

/** The task-run routes. */
export function taskRunRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/task-runs/batch",
      operationId: "writeTaskRuns",
      summary: "Create or update task runs and append their states, idempotent by task-run and state id (writeTaskRuns)",
      body: writeTaskRunsSchema,
      acceptsBodyAsIs: isPlainTaskRunBatch,
      response: taskRunWriteResultSchema,
      handle: ({ body }) => api.writeTaskRuns(body.writes),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs",
      operationId: "listTaskRuns",
      summary: "List task runs (listTaskRuns)",
      query: listTaskRunsQuerySchema,
      response: taskRunPageSchema,
      handle: ({ query }) =>
        api.listTaskRuns({ flowRunId: query.flowRunId, stateTypes: query.stateType, taskKey: query.taskKey }, pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/cache/:cacheKey",
      operationId: "findCachedTaskRun",
      summary: "The newest completed, unexpired task run with a cache key; 404 when none (findCachedTaskRun)",
      query: cacheQuerySchema,
      response: cacheHitSchema,
      handle: async ({ params, query }) => {
        const hit = await api.findCachedTaskRun(params.cacheKey ?? "", query.now);
        if (!hit) throw new WeirError("NOT_FOUND", `no cached task run for key '${params.cacheKey}'`);
        return hit;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/:id",
      operationId: "readTaskRun",
      summary: "Read a task run (readTaskRun)",
      response: taskRunSchema,
      handle: ({ params }) => api.readTaskRun(params.id ?? ""),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/:id/states",
      operationId: "readTaskRunStates",
      summary: "State history of a task run (readTaskRunStates)",
      response: stateListSchema,
      handle: async ({ params }) => ({ items: await api.readTaskRunStates(params.id ?? "") }),
    }),
  ];
}
