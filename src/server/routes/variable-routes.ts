/**
 * Routes of variables: list, get, set, delete, and the read of a value in clear that only run
 * processes make (`GET /api/variables/:name/value`). That read is refused to any browser: it
 * must carry the `Sec-Weir-Run-Id` header, which no script of a web page can set, and no
 * `Origin` or `Sec-Fetch-*` header, which browsers add; the dashboard never calls it. The
 * service layer then gives a secret only to a run that is executing.
 */
import type { Context } from "hono";
import { RUN_ID_HEADER } from "../../core/run-id-header.js";
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { pageOf, pageQuerySchema } from "../schemas/common-schemas.js";
import { setVariableSchema, variableNameSchema, variablePageSchema, variableSchema, variableValueSchema } from "../schemas/variable-schemas.js";

/** The run id a request for a value in clear names, after refusing any browser request (see file header). */
function runIdOfRunProcess(context: Context): string {
  const browserHeaders = ["origin", "sec-fetch-site", "sec-fetch-mode", "sec-fetch-dest"].filter((name) => context.req.header(name) !== undefined);
  const runId = context.req.header(RUN_ID_HEADER);
  // Node's fetch (the SDK's HTTP client) sends `Sec-Fetch-Mode: cors` on every request; a browser adds the others too.
  const isNodeFetch = browserHeaders.length === 1 && context.req.header("sec-fetch-mode") === "cors";
  if ((browserHeaders.length > 0 && !isNodeFetch) || runId === undefined || runId.trim() === "") {
    throw new WeirError("FORBIDDEN", "a variable's value in clear is given only to run processes (the SDK's Variables.get inside a flow or task run), never to a browser");
  }
  return runId.trim();
}

/** The variable routes. */
export function variableRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/variables",
      operationId: "listVariables",
      summary: "List variables; secret values show as **** (listVariables)",
      query: pageQuerySchema,
      response: variablePageSchema,
      handle: ({ query }) => api.listVariables(pageOf(query)),
    }),
    defineRoute({
      method: "GET",
      path: "/api/variables/:name",
      params: { name: variableNameSchema },
      operationId: "getVariable",
      summary: "Read a variable (a secret value shows as ****); 404 when unset (getVariable)",
      response: variableSchema,
      handle: async ({ params }) => {
        const variable = await api.getVariable(params.name ?? "");
        if (!variable) throw WeirError.notFound("variable", params.name ?? "");
        return variable;
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/variables/:name/value",
      params: { name: variableNameSchema },
      operationId: "readSecretVariable",
      summary:
        "A variable's value in clear, for the executing run named in the Sec-Weir-Run-Id header; refused to browsers (readSecretVariable, used by the SDK only)",
      response: variableValueSchema,
      handle: async ({ params, context }) => {
        const runId = runIdOfRunProcess(context);
        context.header("cache-control", "no-store");
        return { value: await api.readSecretVariable(params.name ?? "", runId) };
      },
    }),
    defineRoute({
      method: "PUT",
      path: "/api/variables/:name",
      params: { name: variableNameSchema },
      operationId: "setVariable",
      summary: "Set a variable's value and tags; isSecret keeps it encrypted and write-only (setVariable)",
      body: setVariableSchema,
      response: variableSchema,
      handle: ({ params, body }) => api.setVariable(params.name ?? "", body.value, body.tags, body.isSecret === undefined ? {} : { isSecret: body.isSecret }),
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/variables/:name",
      params: { name: variableNameSchema },
      operationId: "deleteVariable",
      summary: "Delete a variable (deleteVariable)",
      response: null,
      handle: ({ params }) => api.deleteVariable(params.name ?? ""),
    }),
  ];
}
