/** Routes of artifacts: create, list, read, update. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { artifactPageSchema, artifactSchema, createArtifactSchema, listArtifactsQuerySchema, updateArtifactSchema } from "../schemas/artifact-schemas.js";
import { pageOf } from "../schemas/common-schemas.js";

/** The artifact routes. */
export function artifactRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/artifacts",
      operationId: "createArtifact",
      summary: "Create an artifact (createArtifact)",
      body: createArtifactSchema,
      response: artifactSchema,
      handle: ({ body }) => api.createArtifact(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/artifacts",
      operationId: "listArtifacts",
      summary: "List artifacts (listArtifacts)",
      query: listArtifactsQuerySchema,
      response: artifactPageSchema,
      handle: ({ query }) => {
        const { cursor, limit, ...filter } = query;
        return api.listArtifacts(filter, pageOf({ cursor, limit }));
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/artifacts/:id",
      operationId: "readArtifact",
      summary: "Read an artifact (readArtifact)",
      response: artifactSchema,
      handle: ({ params }) => api.readArtifact(params.id ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/artifacts/:id",
      operationId: "updateArtifact",
      summary: "Update an artifact's data or description (updateArtifact)",
      body: updateArtifactSchema,
      response: artifactSchema,
      handle: ({ params, body }) => api.updateArtifact(params.id ?? "", body),
    }),
  ];
}
