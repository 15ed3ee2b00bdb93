/** Routes of work pools. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { createWorkPoolSchema, updateWorkPoolSchema } from "../schemas/work-pool-schemas.js";

/** The work-pool routes. */
export function workPoolRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools",
      summary: "Create a work pool (createWorkPool)",
      body: createWorkPoolSchema,
      handle: ({ body }) => api.createWorkPool(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools",
      summary: "List work pools (listWorkPools)",
      handle: async () => ({ items: await api.listWorkPools() }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name",
      summary: "Read a work pool (readWorkPool)",
      handle: ({ params }) => api.readWorkPool(params.name ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/work-pools/:name",
      summary: "Update a work pool: pause, resume, limit (updateWorkPool)",
      body: updateWorkPoolSchema,
      handle: ({ params, body }) => api.updateWorkPool(params.name ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/work-pools/:name",
      summary: "Delete a work pool (deleteWorkPool)",
      handle: ({ params }) => api.deleteWorkPool(params.name ?? ""),
    }),
  ];
}
