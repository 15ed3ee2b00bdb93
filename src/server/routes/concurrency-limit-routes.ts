/** Routes of tag concurrency limits and their leases. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import {
  acquireSlotsSchema,
  concurrencyLeaseSchema,
  concurrencyLimitListSchema,
  concurrencyLimitSchema,
  createConcurrencyLimitSchema,
  renewLeaseSchema,
} from "../schemas/concurrency-schemas.js";

/** The concurrency-limit and lease routes. */
export function concurrencyLimitRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/concurrency-limits",
      operationId: "createConcurrencyLimit",
      summary: "Create a tag concurrency limit (createConcurrencyLimit)",
      body: createConcurrencyLimitSchema,
      response: concurrencyLimitSchema,
      handle: ({ body }) => api.createConcurrencyLimit(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/concurrency-limits",
      operationId: "listConcurrencyLimits",
      summary: "List concurrency limits (listConcurrencyLimits)",
      response: concurrencyLimitListSchema,
      handle: async () => ({ items: await api.listConcurrencyLimits() }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/concurrency-limits/acquire",
      operationId: "acquireConcurrencySlots",
      summary: "Lease one slot of each tag's limit; null when one is full (acquireConcurrencySlots)",
      body: acquireSlotsSchema,
      response: concurrencyLeaseSchema.nullable(),
      handle: async ({ body, context }) => {
        const lease = await api.acquireConcurrencySlots(body);
        return lease ?? context.json(null);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/concurrency-limits/:tag",
      operationId: "readConcurrencyLimit",
      summary: "Read a concurrency limit (readConcurrencyLimit)",
      response: concurrencyLimitSchema,
      handle: ({ params }) => api.readConcurrencyLimit(params.tag ?? ""),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/concurrency-limits/:tag",
      operationId: "deleteConcurrencyLimit",
      summary: "Delete a concurrency limit (deleteConcurrencyLimit)",
      response: null,
      handle: ({ params }) => api.deleteConcurrencyLimit(params.tag ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/concurrency-leases/:id/renew",
      operationId: "renewConcurrencyLease",
      summary: "Extend a lease (renewConcurrencyLease)",
      body: renewLeaseSchema,
      response: null,
      handle: ({ params, body }) => api.renewConcurrencyLease(params.id ?? "", body.leaseSeconds),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/concurrency-leases/:id",
      operationId: "releaseConcurrencyLease",
      summary: "Release a lease (releaseConcurrencyLease)",
      response: null,
      handle: ({ params }) => api.releaseConcurrencyLease(params.id ?? ""),
    }),
  ];
}
