/** Routes of workers: heartbeats, lists and claiming scheduled runs. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { claimFlowRunsSchema, workerHeartbeatSchema } from "../schemas/work-pool-schemas.js";

/** The worker routes. */
export function workerRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/workers/heartbeat",
      summary: "A worker's heartbeat; registers it on first call (workerHeartbeat)",
      body: workerHeartbeatSchema,
      handle: ({ params, body }) => api.workerHeartbeat({ ...body, workPoolName: params.name ?? "" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/workers",
      summary: "List the workers of a pool (listWorkers)",
      handle: async ({ params }) => ({ items: await api.listWorkers(params.name ?? "") }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/workers",
      summary: "List all workers (listWorkers)",
      handle: async () => ({ items: await api.listWorkers() }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/claim",
      summary: "Claim due scheduled runs of a pool, each once only (claimFlowRuns)",
      body: claimFlowRunsSchema,
      handle: async ({ params, body }) => ({ items: await api.claimFlowRuns({ ...body, workPoolName: params.name ?? "" }) }),
    }),
  ];
}
