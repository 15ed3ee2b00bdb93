/** Routes of work queues (inside their pool) and the list of all queues. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { createWorkQueueSchema, updateWorkQueueSchema } from "../schemas/work-pool-schemas.js";

/** The work-queue routes. */
export function workQueueRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/queues",
      summary: "Create a work queue in a pool (createWorkQueue)",
      body: createWorkQueueSchema,
      handle: ({ params, body }) => api.createWorkQueue({ ...body, workPoolName: params.name ?? "" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/queues",
      summary: "List the queues of a pool (listWorkQueues)",
      handle: async ({ params }) => ({ items: await api.listWorkQueues(params.name ?? "") }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/queues/:queue",
      summary: "Read a work queue (readWorkQueue)",
      handle: ({ params }) => api.readWorkQueue(params.name ?? "", params.queue ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/work-pools/:name/queues/:queue",
      summary: "Update a work queue (updateWorkQueue)",
      body: updateWorkQueueSchema,
      handle: ({ params, body }) => api.updateWorkQueue(params.name ?? "", params.queue ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/work-pools/:name/queues/:queue",
      summary: "Delete a work queue (deleteWorkQueue)",
      handle: ({ params }) => api.deleteWorkQueue(params.name ?? "", params.queue ?? ""),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-queues",
      summary: "List the queues of every pool (listWorkQueues)",
      handle: async () => ({ items: await api.listWorkQueues() }),
    }),
  ];
}
