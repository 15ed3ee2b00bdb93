/** Routes of variables: list, get, set, delete. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, pageQuerySchema } from "../schemas/common-schemas.js";
import { setVariableSchema, variablePageSchema, variableSchema } from "../schemas/variable-schemas.js";

/** The variable routes. */
export function variableRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/variables",
      operationId: "listVariables",
      summary: "List variables (listVariables)",
      query: pageQuerySchema,
      response: variablePageSchema,
      handle: ({ query }) => api.listVariables(pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/variables/:name",
      operationId: "getVariable",
      summary: "Read a variable; 404 when unset (getVariable)",
      response: variableSchema,
      handle: async ({ params }) => {
        const variable = await api.getVariable(params.name ?? "");
        if (!variable) throw WeirError.notFound("variable", params.name ?? "");
        return variable;
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/api/variables/:name",
      operationId: "setVariable",
      summary: "Set a variable's value and tags (setVariable)",
      body: setVariableSchema,
      response: variableSchema,
      handle: ({ params, body }) => api.setVariable(params.name ?? "", body.value, body.tags),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/variables/:name",
      operationId: "deleteVariable",
      summary: "Delete a variable (deleteVariable)",
      response: null,
      handle: ({ params }) => api.deleteVariable(params.name ?? ""),
    }),
  ];
}
