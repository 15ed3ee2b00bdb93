/** Routes of flow runs: create, filter, count, read, delete, propose states and the run actions. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf } from "../schemas/common-schemas.js";
import {
  createFlowRunSchema,
  emptyBodySchema,
  flowRunFilterOf,
  flowRunFilterQuerySchema,
  heartbeatFlowRunSchema,
  listFlowRunsQuerySchema,
  proposeStateSchema,
  resumeFlowRunSchema,
} from "../schemas/flow-run-schemas.js";

/** The flow-run routes. */
export function flowRunRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/flow-runs",
      summary: "Create a flow run (createFlowRun)",
      body: createFlowRunSchema,
      handle: ({ body }) => api.createFlowRun(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flow-runs",
      summary: "List flow runs by state, flow, deployment, pool, tags and time range, with a cursor (listFlowRuns)",
      query: listFlowRunsQuerySchema,
      handle: ({ query }) => api.listFlowRuns(flowRunFilterOf(query), pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flow-runs/count",
      summary: "Count flow runs matching a filter (countFlowRuns)",
      query: flowRunFilterQuerySchema,
      handle: async ({ query }) => ({ count: await api.countFlowRuns(flowRunFilterOf(query)) }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flow-runs/:id",
      summary: "Read a flow run (readFlowRun)",
      handle: ({ params }) => api.readFlowRun(params.id ?? ""),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/flow-runs/:id",
      summary: "Delete a flow run with its task runs, states and logs (deleteFlowRun)",
      handle: ({ params }) => api.deleteFlowRun(params.id ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/flow-runs/:id/set-state",
      summary: "Propose a new state; orchestration rules decide (setFlowRunState)",
      body: proposeStateSchema,
      handle: ({ params, body }) => api.setFlowRunState(params.id ?? "", body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flow-runs/:id/states",
      summary: "State history of a flow run (readFlowRunStates)",
      handle: async ({ params }) => ({ items: await api.readFlowRunStates(params.id ?? "") }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/flow-runs/:id/heartbeat",
      summary: "Record that the executing process is alive (heartbeatFlowRun)",
      body: heartbeatFlowRunSchema,
      handle: ({ params, body }) => api.heartbeatFlowRun(params.id ?? "", body),
    }),
    defineRoute({
      method: "POST",
      path: "/api/flow-runs/:id/cancel",
      summary: "Cancel a flow run (cancelFlowRun)",
      body: emptyBodySchema,
      handle: ({ params }) => api.cancelFlowRun(params.id ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/flow-runs/:id/retry",
      summary: "Retry a terminal flow run (retryFlowRun)",
      body: emptyBodySchema,
      handle: ({ params }) => api.retryFlowRun(params.id ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/flow-runs/:id/resume",
      summary: "Resume a paused or suspended flow run, with optional input (resumeFlowRun)",
      body: resumeFlowRunSchema,
      handle: ({ params, body }) => api.resumeFlowRun(params.id ?? "", body.input),
    }),
  ];
}
