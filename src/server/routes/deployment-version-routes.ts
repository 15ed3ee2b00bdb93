/** Routes of deployment versions: the history of a deployment's spec, and rollback to a version. */
import { changeOptionsOf } from "../actor-header.js";
import { refuseProcessStartVariables } from "../process-env-guard.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf } from "../schemas/common-schemas.js";
import { deploymentSchema } from "../schemas/deployment-schemas.js";
import { deploymentVersionPageSchema, deploymentVersionSchema, listDeploymentVersionsQuerySchema, rollbackDeploymentSchema, versionNumberParamSchema } from "../schemas/deployment-version-schemas.js";

/** The deployment version routes. */
export function deploymentVersionRoutes({ orchestration: api, allowsProcessEnv }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/deployments/:id/versions",
      operationId: "listDeploymentVersions",
      summary: "List the versions of a deployment, newest first (listDeploymentVersions)",
      query: listDeploymentVersionsQuerySchema,
      response: deploymentVersionPageSchema,
      handle: ({ params, query }) => api.listDeploymentVersions(params.id ?? "", pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments/:id/versions/:version",
      params: { version: versionNumberParamSchema },
      operationId: "readDeploymentVersion",
      summary: "Read one version of a deployment (readDeploymentVersion)",
      response: deploymentVersionSchema,
      handle: ({ params }) => api.readDeploymentVersion(params.id ?? "", Number(params.version)),
    }),
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/versions/:version/rollback",
      params: { version: versionNumberParamSchema },
      operationId: "rollbackDeployment",
      summary: "Apply a version's spec again, as a new version; paused schedules stay paused (rollbackDeployment)",
      body: rollbackDeploymentSchema,
      response: deploymentSchema,
      handle: async ({ params, context }) => {
        const id = params.id ?? "";
        const version = Number(params.version);
        if (!allowsProcessEnv) refuseProcessStartVariables((await api.readDeploymentVersion(id, version)).spec.jobVariables, "jobVariables");
        return api.rollbackDeployment(id, version, changeOptionsOf(context));
      },
    }),
  ];
}
