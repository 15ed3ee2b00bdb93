/** Routes of work pools. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { createWorkPoolSchema, updateWorkPoolSchema, workPoolListSchema, workPoolSchema } from "../schemas/work-pool-schemas.js";

/** The work-pool routes. */
export function workPoolRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools",
      operationId: "createWorkPool",
      summary: "Create a work pool (createWorkPool)",
      body: createWorkPoolSchema,
      response: workPoolSchema,
      handle: ({ body }) => api.createWorkPool(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools",
      operationId: "listWorkPools",
      summary: "List work pools (listWorkPools)",
      response: workPoolListSchema,
      handle: async () => ({ items: await api.listWorkPools() }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name",
      operationId: "readWorkPool",
      summary: "Read a work pool (readWorkPool)",
      response: workPoolSchema,
      handle: ({ params }) => api.readWorkPool(params.name ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/work-pools/:name",
      operationId: "updateWorkPool",
      summary: "Update a work pool: pause, resume, limit (updateWorkPool)",
      body: updateWorkPoolSchema,
      response: workPoolSchema,
      handle: ({ params, body }) => api.updateWorkPool(params.name ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/work-pools/:name",
      operationId: "deleteWorkPool",
      summary: "Delete a work pool (deleteWorkPool)",
      response: null,
      handle: ({ params }) => api.deleteWorkPool(params.name ?? ""),
    }),
  ];
}
