/** Routes of flows: upsert, list, read by id or name. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, pageQuerySchema } from "../schemas/common-schemas.js";
import { upsertFlowSchema } from "../schemas/flow-schemas.js";

/** The flow routes. */
export function flowRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/flows",
      summary: "Register a flow, or update it by name (upsertFlow)",
      body: upsertFlowSchema,
      handle: ({ body }) => api.upsertFlow(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flows",
      summary: "List flows (listFlows)",
      query: pageQuerySchema,
      handle: ({ query }) => api.listFlows(pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flows/:idOrName",
      summary: "Read a flow by id or name (readFlow)",
      handle: ({ params }) => api.readFlow(params.idOrName ?? ""),
    }),
  ];
}
