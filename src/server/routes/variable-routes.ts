/** Routes of variables: list, get, set, delete. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, pageQuerySchema } from "../schemas/common-schemas.js";
import { setVariableSchema } from "../schemas/variable-schemas.js";

/** The variable routes. */
export function variableRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/variables",
      summary: "List variables (listVariables)",
      query: pageQuerySchema,
      handle: ({ query }) => api.listVariables(pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/variables/:name",
      summary: "Read a variable; 404 when unset (getVariable)",
      handle: async ({ params }) => {
        const variable = await api.getVariable(params.name ?? "");
        if (!variable) throw WeirError.notFound("variable", params.name ?? "");
        return variable;
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/api/variables/:name",
      summary: "Set a variable's value and tags (setVariable)",
      body: setVariableSchema,
      handle: ({ params, body }) => api.setVariable(params.name ?? "", body.value, body.tags),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/variables/:name",
      summary: "Delete a variable (deleteVariable)",
      handle: ({ params }) => api.deleteVariable(params.name ?? ""),
    }),
  ];
}
