/** Routes of work queues (inside their pool) and the list of all queues. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { createWorkQueueSchema, updateWorkQueueSchema, workQueueListSchema, workQueueSchema } from "../schemas/work-pool-schemas.js";

/** The work-queue routes. */
export function workQueueRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/work-pools/:name/queues",
      operationId: "createWorkQueue",
      summary: "Create a work queue in a pool (createWorkQueue)",
      body: createWorkQueueSchema,
      response: workQueueSchema,
      handle: ({ params, body }) => api.createWorkQueue({ ...body, workPoolName: params.name ?? "" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/queues",
      operationId: "listWorkPoolQueues",
      summary: "List the queues of a pool (listWorkQueues)",
      response: workQueueListSchema,
      handle: async ({ params }) => ({ items: await api.listWorkQueues(params.name ?? "") }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-pools/:name/queues/:queue",
      operationId: "readWorkQueue",
      summary: "Read a work queue (readWorkQueue)",
      response: workQueueSchema,
      handle: ({ params }) => api.readWorkQueue(params.name ?? "", params.queue ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/work-pools/:name/queues/:queue",
      operationId: "updateWorkQueue",
      summary: "Update a work queue (updateWorkQueue)",
      body: updateWorkQueueSchema,
      response: workQueueSchema,
      handle: ({ params, body }) => api.updateWorkQueue(params.name ?? "", params.queue ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/work-pools/:name/queues/:queue",
      operationId: "deleteWorkQueue",
      summary: "Delete a work queue (deleteWorkQueue)",
      response: null,
      handle: ({ params }) => api.deleteWorkQueue(params.name ?? "", params.queue ?? ""),
    }),
    defineRoute({
      method: "GET",
      path: "/api/work-queues",
      operationId: "listWorkQueues",
      summary: "List the queues of every pool (listWorkQueues)",
      response: workQueueListSchema,
      handle: async () => ({ items: await api.listWorkQueues() }),
    }),
  ];
}
