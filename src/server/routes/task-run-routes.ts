/** Routes of task runs: batched writes, list, read, state history, cache lookup. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf } from "../schemas/common-schemas.js";
import { cacheQuerySchema, listTaskRunsQuerySchema, writeTaskRunsSchema } from "../schemas/task-run-schemas.js";

/** The task-run routes. */
export function taskRunRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/task-runs/batch",
      summary: "Create or update task runs and append their states, idempotent by task-run and state id (writeTaskRuns)",
      body: writeTaskRunsSchema,
      handle: ({ body }) => api.writeTaskRuns(body.writes),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs",
      summary: "List task runs (listTaskRuns)",
      query: listTaskRunsQuerySchema,
      handle: ({ query }) =>
        api.listTaskRuns({ flowRunId: query.flowRunId, stateTypes: query.stateType, taskKey: query.taskKey }, pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/cache/:cacheKey",
      summary: "The newest completed, unexpired task run with a cache key; 404 when none (findCachedTaskRun)",
      query: cacheQuerySchema,
      handle: async ({ params, query }) => {
        const hit = await api.findCachedTaskRun(params.cacheKey ?? "", query.now);
        if (!hit) throw new WeirError("NOT_FOUND", `no cached task run for key '${params.cacheKey}'`);
        return hit;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/:id",
      summary: "Read a task run (readTaskRun)",
      handle: ({ params }) => api.readTaskRun(params.id ?? ""),
    }),
    defineRoute({
      method: "GET",
      path: "/api/task-runs/:id/states",
      summary: "State history of a task run (readTaskRunStates)",
      handle: async ({ params }) => ({ items: await api.readTaskRunStates(params.id ?? "") }),
    }),
  ];
}
