/** Routes of flows: upsert, list, read by id or name. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, pageQuerySchema } from "../schemas/common-schemas.js";
import { flowPageSchema, flowSchema, upsertFlowSchema } from "../schemas/flow-schemas.js";

/** The flow routes. */
export function flowRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/flows",
      operationId: "upsertFlow",
      summary: "Register a flow, or update it by name (upsertFlow)",
      body: upsertFlowSchema,
      response: flowSchema,
      handle: ({ body }) => api.upsertFlow(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flows",
      operationId: "listFlows",
      summary: "List flows (listFlows)",
      query: pageQuerySchema,
      response: flowPageSchema,
      handle: ({ query }) => api.listFlows(pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/flows/:idOrName",
      operationId: "readFlow",
      summary: "Read a flow by id or name (readFlow)",
      response: flowSchema,
      handle: ({ params }) => api.readFlow(params.idOrName ?? ""),
    }),
  ];
}
