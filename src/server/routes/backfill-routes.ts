/** Routes of deployment backfills (src/orchestration/backfill-service.ts). */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { backfillInputSchema, backfillListSchema, backfillResultSchema, backfillSchema } from "../schemas/backfill-schemas.js";

/** The backfill routes. */
export function backfillRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/backfill",
      operationId: "backfillDeployment",
      summary: "Create one run per schedule slot in [from, to), keyed like scheduled runs, or list the slots with dryRun (backfillDeployment)",
      body: backfillInputSchema,
      response: backfillResultSchema,
      handle: ({ params, body }) => api.backfillDeployment(params.id ?? "", body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments/:id/backfills",
      operationId: "listBackfills",
      summary: "List a deployment's backfills with their progress, newest first (listBackfills)",
      response: backfillListSchema,
      handle: async ({ params }) => ({ items: await api.listBackfills(params.id ?? "") }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/backfills/:id",
      operationId: "readBackfill",
      summary: "Read a backfill with its progress (readBackfill)",
      response: backfillSchema,
      handle: ({ params }) => api.readBackfill(params.id ?? ""),
    }),
  ];
}
