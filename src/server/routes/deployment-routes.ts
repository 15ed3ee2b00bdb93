/** Routes of deployments and their schedules. */
import { changeOptionsOf } from "../actor-header.js";
import { refuseProcessStartVariables } from "../process-env-guard.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, slashlessNameSchema } from "../schemas/common-schemas.js";
import { flowRunSchema } from "../schemas/flow-run-schemas.js";
import {
  createDeploymentFlowRunSchema,
  deploymentPageSchema,
  deploymentScheduleSchema,
  deploymentSchema,
  listDeploymentsQuerySchema,
  scheduleInputSchema,
  updateDeploymentSchema,
  updateScheduleSchema,
  upsertDeploymentSchema,
} from "../schemas/deployment-schemas.js";

/** The deployment routes. */
export function deploymentRoutes({ orchestration: api, allowsProcessEnv }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/deployments",
      operationId: "upsertDeployment",
      summary: "Create or replace a deployment by flow name and name (upsertDeployment)",
      body: upsertDeploymentSchema,
      response: deploymentSchema,
      handle: async ({ body, context }) => {
        if (!allowsProcessEnv) refuseProcessStartVariables(body.jobVariables, "jobVariables");
        return api.upsertDeployment(body, changeOptionsOf(context));
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments",
      operationId: "listDeployments",
      summary: "List deployments (listDeployments)",
      query: listDeploymentsQuerySchema,
      response: deploymentPageSchema,
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
      params: { flowName: slashlessNameSchema, deploymentName: slashlessNameSchema },
      operationId: "readDeploymentByName",
      summary: "Read a deployment by flow name and deployment name (readDeploymentByName)",
      response: deploymentSchema,
      handle: ({ params }) => api.readDeploymentByName(`${params.flowName}/${params.deploymentName}`),
    }),
    defineRoute({
      method: "GET",
      path: "/api/deployments/:id",
      operationId: "readDeployment",
      summary: "Read a deployment (readDeployment)",
      response: deploymentSchema,
      handle: ({ params }) => api.readDeployment(params.id ?? ""),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/deployments/:id",
      operationId: "updateDeployment",
      summary: "Update a deployment: pause, resume, parameters, tags, limit (updateDeployment)",
      body: updateDeploymentSchema,
      response: deploymentSchema,
      handle: ({ params, body, context }) => api.updateDeployment(params.id ?? "", body, changeOptionsOf(context)),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/deployments/:id",
      operationId: "deleteDeployment",
      summary: "Delete a deployment (deleteDeployment)",
      response: null,
      handle: ({ params }) => api.deleteDeployment(params.id ?? ""),
    }),
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/runs",
      operationId: "createDeploymentFlowRun",
      summary: "Create a run of a deployment (createDeploymentFlowRun)",
      body: createDeploymentFlowRunSchema,
      response: flowRunSchema,
      handle: ({ params, body }) => api.createDeploymentFlowRun(params.id ?? "", body),
    }),
    defineRoute({
      method: "POST",
      path: "/api/deployments/:id/schedules",
      operationId: "createDeploymentSchedule",
      summary: "Attach a schedule to a deployment (createDeploymentSchedule)",
      body: scheduleInputSchema,
      response: deploymentScheduleSchema,
      handle: ({ params, body, context }) => api.createDeploymentSchedule(params.id ?? "", body, changeOptionsOf(context)),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/deployments/:id/schedules/:scheduleId",
      operationId: "updateDeploymentSchedule",
      summary: "Update a schedule of a deployment (updateDeploymentSchedule)",
      body: updateScheduleSchema,
      response: deploymentScheduleSchema,
      handle: ({ params, body, context }) => api.updateDeploymentSchedule(params.id ?? "", params.scheduleId ?? "", body, changeOptionsOf(context)),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/deployments/:id/schedules/:scheduleId",
      operationId: "deleteDeploymentSchedule",
      summary: "Delete a schedule of a deployment (deleteDeploymentSchedule)",
      response: null,
      handle: ({ params, context }) => api.deleteDeploymentSchedule(params.id ?? "", params.scheduleId ?? "", changeOptionsOf(context)),
    }),
  ];
}
