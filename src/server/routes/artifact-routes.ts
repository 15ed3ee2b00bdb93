/** Routes of artifacts: create, list, read, update. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { createArtifactSchema, listArtifactsQuerySchema, updateArtifactSchema } from "../schemas/artifact-schemas.js";
import { pageOf } from "../schemas/common-schemas.js";

/** The artifact routes. */
export function artifactRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/artifacts",
      summary: "Create an artifact (createArtifact)",
      body: createArtifactSchema,
      handle: ({ body }) => api.createArtifact(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/artifacts",
      summary: "List artifacts (listArtifacts)",
      query: listArtifactsQuerySchema,
      handle: ({ query }) => {
        const { cursor, limit, ...filter } = query;
        return api.listArtifacts(filter, pageOf({ cursor, limit }));
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/artifacts/:id",
      summary: "Read an artifact (readArtifact)",
      handle: ({ params }) => api.readArtifact(params.id ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/artifacts/:id",
      summary: "Update an artifact's data or description (updateArtifact)",
      body: updateArtifactSchema,
      handle: ({ params, body }) => api.updateArtifact(params.id ?? "", body),
    }),
  ];
}
