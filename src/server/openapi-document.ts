/**
 * The OpenAPI 3.1 document of the REST API, generated from the route registry: the same zod
 * schemas that validate requests become its request bodies and query parameters.
 */
import { z } from "zod";
import { openApiPath, pathParameterNames, type AnyRouteDefinition } from "./route-registry.js";

type JsonSchema = Record<string, unknown>;

/** Build the OpenAPI document of some routes. */
export function buildOpenApiDocument(routes: readonly AnyRouteDefinition[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Record<string, JsonSchema> = {};
  for (const [index, route] of routes.entries()) {
    const operationId = `${route.method.toLowerCase()}${index}`;
    const parameters: unknown[] = pathParameterNames(route.path).map((name) => ({
      name,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query) {
      const schema = toSchema(route.query, operationId, components);
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = new Set((schema.required ?? []) as string[]);
      for (const [name, property] of Object.entries(properties)) {
        parameters.push({ name, in: "query", required: required.has(name), schema: property });
      }
    }
    const operation: Record<string, unknown> = {
      operationId,
      summary: route.summary,
      parameters,
      ...(route.isPublic ? { security: [] } : {}),
      responses: route.isStream
        ? { "200": { description: "Server-Sent Events: one `data:` JSON WeirEvent per message", content: { "text/event-stream": {} } } }
        : {
            "200": { description: "OK", content: { "application/json": {} } },
            default: { description: "Error", content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
          },
    };
    if (route.body) {
      operation.requestBody = { required: true, content: { "application/json": { schema: toSchema(route.body, operationId, components) } } };
    }
    (paths[openApiPath(route.path)] ??= {})[route.method.toLowerCase()] = operation;
  }
  components.Error = {
    type: "object",
    required: ["error"],
    properties: {
      error: {
        type: "object",
        required: ["code", "message"],
        properties: { code: { type: "string" }, message: { type: "string" }, details: { type: "object" } },
      },
    },
  };
  return {
    openapi: "3.1.0",
    info: { title: "Weir API", version: "0.1.0", description: "REST API of the Weir workflow orchestrator (docs/api.md)." },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: { schemas: components, securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
  };
}

/** JSON Schema of a request schema (input side), its shared definitions moved into components. */
function toSchema(schema: z.ZodType, prefix: string, components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", cycles: "ref", reused: "inline" }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const rename = (name: string): string => `${prefix}_${name}`;
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== "object") return value;
    const out: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
      out[key] = key === "$ref" && typeof inner === "string" && inner.startsWith("#/$defs/")
        ? `#/components/schemas/${rename(inner.slice("#/$defs/".length))}`
        : rewrite(inner);
    }
    return out;
  };
  for (const [name, def] of Object.entries(defs)) components[rename(name)] = rewrite(def) as JsonSchema;
  return rewrite(json) as JsonSchema;
}
