/** Routes of automations (src/orchestration/automation-service.ts). */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import {
  automationFiringListSchema,
  automationFiringsQuerySchema,
  automationInputSchema,
  automationListSchema,
  automationPatchSchema,
  automationSchema,
  deploymentAutomationsSchema,
} from "../schemas/automation-schemas.js";
import type { AutomationInput } from "../../core/automations/automation-spec.js";

/** The automation routes. */
export function automationRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/automations",
      operationId: "listAutomations",
      summary: "List every automation by name (listAutomations)",
      response: automationListSchema,
      handle: async () => ({ items: await api.listAutomations() }),
    }),
    defineRoute({
      method: "POST",
      path: "/api/automations",
      operationId: "createAutomation",
      summary: "Create an automation: a trigger and its actions; 409 when the name is taken (createAutomation)",
      body: automationInputSchema,
      response: automationSchema,
      handle: ({ body }) => api.createAutomation(body),
    }),
    defineRoute({
      method: "GET",
      path: "/api/automations/:id",
      operationId: "readAutomation",
      summary: "Read an automation by id or name (readAutomation)",
      response: automationSchema,
      handle: ({ params }) => api.readAutomation(params.id ?? ""),
    }),
    defineRoute({
      method: "PUT",
      path: "/api/automations/:id",
      operationId: "updateAutomation",
      summary: "Replace an automation's trigger and actions, by id or name; its history stays (updateAutomation)",
      body: automationInputSchema,
      response: automationSchema,
      handle: ({ params, body }) => api.updateAutomation(params.id ?? "", body),
    }),
    defineRoute({
      method: "PATCH",
      path: "/api/automations/:id",
      operationId: "setAutomationEnabled",
      summary: "Enable or disable an automation (setAutomationEnabled)",
      body: automationPatchSchema,
      response: automationSchema,
      handle: ({ params, body }) => api.setAutomationEnabled(params.id ?? "", body.isEnabled),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/automations/:id",
      operationId: "deleteAutomation",
      summary: "Delete an automation and its history (deleteAutomation)",
      response: null,
      handle: ({ params }) => api.deleteAutomation(params.id ?? ""),
    }),
    defineRoute({
      method: "GET",
      path: "/api/automations/:id/firings",
      operationId: "listAutomationFirings",
      summary: "An automation's firings, newest first, with each action's outcome (listAutomationFirings)",
      query: automationFiringsQuerySchema,
      response: automationFiringListSchema,
      handle: async ({ params, query }) => ({ items: await api.listAutomationFirings(params.id ?? "", query.limit) }),
    }),
    defineRoute({
      method: "PUT",
      path: "/api/deployments/:id/automations",
      operationId: "setDeploymentAutomations",
      summary: "Make a deployment's automations (weir.yaml `triggers:`) exactly these (setDeploymentAutomations)",
      body: deploymentAutomationsSchema,
      response: automationListSchema,
      handle: async ({ params, body }) => ({ items: await api.setDeploymentAutomations(params.id ?? "", body.automations as AutomationInput[]) }),
    }),
  ];
}
