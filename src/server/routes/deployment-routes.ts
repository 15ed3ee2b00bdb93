/** Routes of deployments and their schedules. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf } from "../schemas/common-schemas.js";
import {
  createDeploymentFlowRunSchema,
  listDeploymentsQuerySchema,
  scheduleInputSchema,
  updateDeploymentSchema,
  updateScheduleSchema,
  upsertDeploymentSchema,
} from "../schemas/deployment-schemas.js";

/** The deployment routes. */
export function deploymentRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/deployments",
      summary: "Create or replace a deployment by flow name and name (upsertDeployment)",
      body: upsertDeploymentSchema,
      handle: ({ body }) => api.upsertDeployment(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments",
      summary: "List deployments (listDeployments)",
      query: listDeploymentsQuerySchema,
      handle: ({ query }) =>
        api.listDeployments(
          Object.fromEntries(
            Object.entries({ flowNames: query.flowName, workPoolNames: query.workPoolName, isServed: query.isServed }).filter(
              ([, value]) => value !== undefined,
            ),
          ),
          pageOf(query),
        ),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments/name/:flowName/:deploymentName",
      summary: "Read a deployment by flow name and deployment name (readDeploymentByName)",
      handle: ({ params }) => api.readDeploymentByName(`${params.flowName}/${params.deploymentName}`),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments/:id",
      summary: "Read a deployment (readDeployment)",
      handle: ({ params }) => api.readDeployment(params.id ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/deployments/:id",
      summary: "Update a deployment: pause, resume, parameters, tags, limit (updateDeployment)",
      body: updateDeploymentSchema,
      handle: ({ params, body }) => api.updateDeployment(params.id ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/deployments/:id",
      summary: "Delete a deployment (deleteDeployment)",
      handle: ({ params }) => api.deleteDeployment(params.id ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/runs",
      summary: "Create a run of a deployment (createDeploymentFlowRun)",
      body: createDeploymentFlowRunSchema,
      handle: ({ params, body }) => api.createDeploymentFlowRun(params.id ?? "", body),
    }),
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/schedules",
      summary: "Attach a schedule to a deployment (createDeploymentSchedule)",
      body: scheduleInputSchema,
      handle: ({ params, body }) => api.createDeploymentSchedule(params.id ?? "", body),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/deployments/:id/schedules/:scheduleId",
      summary: "Update a schedule of a deployment (updateDeploymentSchedule)",
      body: updateScheduleSchema,
      handle: ({ params, body }) => api.updateDeploymentSchedule(params.id ?? "", params.scheduleId ?? "", body),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/deployments/:id/schedules/:scheduleId",
      summary: "Delete a schedule of a deployment (deleteDeploymentSchedule)",
      handle: ({ params }) => api.deleteDeploymentSchedule(params.id ?? "", params.scheduleId ?? ""),
    }),
  ];
}
