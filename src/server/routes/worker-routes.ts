/** Routes of workers: heartbeats, lists and claiming scheduled runs. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { flowRunListSchema } from "../schemas/flow-run-schemas.js";
import { claimFlowRunsSchema, workerHeartbeatSchema, workerListSchema, workerSchema } from "../schemas/work-pool-schemas.js";

/** The worker routes. */
export function workerRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/workers/heartbeat",
      operationId: "workerHeartbeat",
      summary: "A worker's heartbeat; registers it on first call (workerHeartbeat)",
      body: workerHeartbeatSchema,
      response: workerSchema,
      handle: ({ params, body }) => api.workerHeartbeat({ ...body, workPoolName: params.name ?? "" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/workers",
      operationId: "listWorkPoolWorkers",
      summary: "List the workers of a pool (listWorkers)",
      response: workerListSchema,
      handle: async ({ params }) => ({ items: await api.listWorkers(params.name ?? "") }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/workers",
      operationId: "listWorkers",
      summary: "List all workers (listWorkers)",
      response: workerListSchema,
      handle: async () => ({ items: await api.listWorkers() }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/claim",
      operationId: "claimFlowRuns",
      summary: "Claim due scheduled runs of a pool, each once only (claimFlowRuns)",
      body: claimFlowRunsSchema,
      response: flowRunListSchema,
      handle: async ({ params, body }) => ({ items: await api.claimFlowRuns({ ...body, workPoolName: params.name ?? "" }) }),
    }),
  ];
}
