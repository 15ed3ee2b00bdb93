/** Routes of tag concurrency limits and their leases. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { acquireSlotsSchema, createConcurrencyLimitSchema, renewLeaseSchema } from "../schemas/concurrency-schemas.js";

/** The concurrency-limit and lease routes. */
export function concurrencyLimitRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/concurrency-limits",
      summary: "Create a tag concurrency limit (createConcurrencyLimit)",
      body: createConcurrencyLimitSchema,
      handle: ({ body }) => api.createConcurrencyLimit(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/concurrency-limits",
      summary: "List concurrency limits (listConcurrencyLimits)",
      handle: async () => ({ items: await api.listConcurrencyLimits() }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/concurrency-limits/acquire",
      summary: "Lease one slot of each tag's limit; null when one is full (acquireConcurrencySlots)",
      body: acquireSlotsSchema,
      handle: async ({ body, context }) => {
        const lease = await api.acquireConcurrencySlots(body);
        return lease ?? context.json(null);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/concurrency-limits/:tag",
      summary: "Read a concurrency limit (readConcurrencyLimit)",
      handle: ({ params }) => api.readConcurrencyLimit(params.tag ?? ""),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/concurrency-limits/:tag",
      summary: "Delete a concurrency limit (deleteConcurrencyLimit)",
      handle: ({ params }) => api.deleteConcurrencyLimit(params.tag ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/concurrency-leases/:id/renew",
      summary: "Extend a lease (renewConcurrencyLease)",
      body: renewLeaseSchema,
      handle: ({ params, body }) => api.renewConcurrencyLease(params.id ?? "", body.leaseSeconds),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/concurrency-leases/:id",
      summary: "Release a lease (releaseConcurrencyLease)",
      handle: ({ params }) => api.releaseConcurrencyLease(params.id ?? ""),
    }),
  ];
}
