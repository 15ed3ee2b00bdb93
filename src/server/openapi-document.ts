/**
 * The OpenAPI 3.1 document of the REST API, generated from the route registry: the zod schemas
 * that validate requests become its request bodies and query parameters, and each route's
 * declared response schema its success answer. Schemas with a `meta({ id })` (FlowRun, State,
 * Deployment, …) become named components that every operation references, so a generated client
 * gets one type per model. Every schema is rendered on its input side, so a model used in both
 * requests and responses has one rendering; two renderings of one name are refused.
 */
import { z } from "zod";
import { WeirError } from "../core/weir-error.js";
import { OUTAGE_RETRY_AFTER_SECONDS } from "./database-outage.js";
import { isBodyOptional, openApiPath, pathParameterNames, pathParametersSchemaOf, successStatusOf, type AnyRouteDefinition } from "./route-registry.js";
import { errorBodySchema } from "./schemas/common-schemas.js";

/** A JSON Schema object as the document holds it. */
export type JsonSchema = Record<string, unknown>;

/** One operation of the document (the fields Weir fills). */
export interface OpenApiOperation {
  operationId: string;
  summary: string;
  parameters: { name: string; in: "path" | "query"; required: boolean; schema: JsonSchema; description?: string }[];
  requestBody?: { required: boolean; content: { "application/json": { schema: JsonSchema } } };
  responses: Record<string, { description: string; content?: Record<string, Record<string, unknown>> } | { $ref: string }>;
  security?: [];
}

/** The OpenAPI document of the API. */
export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  servers: { url: string }[];
  security: Record<string, []>[];
  paths: Record<string, Record<string, OpenApiOperation>>;
  components: {
    schemas: Record<string, JsonSchema>;
    responses: Record<string, { description: string; content?: Record<string, Record<string, unknown>>; headers?: Record<string, Record<string, unknown>> }>;
    securitySchemes: Record<string, JsonSchema>;
  };
}

const ERROR_CONTENT = { "application/json": { schema: { $ref: "#/components/schemas/Error" } } };

/** The error answers operations refer to (`#/components/responses/<name>`). */
const ERROR_RESPONSES = {
  BadRequest: { description: "Malformed JSON body (BAD_REQUEST)", content: ERROR_CONTENT },
  Unauthorized: { description: "Missing or wrong API key (UNAUTHORIZED)", content: ERROR_CONTENT },
  NotFound: { description: "No such record (NOT_FOUND)", content: ERROR_CONTENT },
  Invalid: { description: "Body or query string does not match its schema, or a required body is missing (VALIDATION); `details.issues` names each bad field", content: ERROR_CONTENT },
  Forbidden: { description: "A browser request from a page of another origin than the server's own or WEIR_ALLOWED_ORIGINS (FORBIDDEN); see docs/api.md, Security", content: ERROR_CONTENT },
  MisdirectedRequest: { description: "The Host header names no host this server answers to: loopback names, the bound address, WEIR_ALLOWED_HOSTS (MISDIRECTED_REQUEST)", content: ERROR_CONTENT },
  PayloadTooLarge: { description: "The request body is over the server's limit, 10 MB by default (PAYLOAD_TOO_LARGE)", content: ERROR_CONTENT },
  UnsupportedMediaType: { description: "A request body not sent as `Content-Type: application/json` (UNSUPPORTED_MEDIA_TYPE)", content: ERROR_CONTENT },
  HeadersTooLarge: { description: "The request headers are over Node's limit (16 KB by default, `--max-http-header-size`); answered by Node itself, without a body" },
  Unavailable: {
    description: "The database is out of reach, or the server is not ready (UNAVAILABLE); retry after `Retry-After` seconds",
    content: ERROR_CONTENT,
    headers: { "Retry-After": { description: `Seconds to wait before retrying (${OUTAGE_RETRY_AFTER_SECONDS})`, schema: { type: "integer", minimum: 0 } } },
  },
  Error: { description: "Any other error; `error.code` gives its kind and the HTTP status", content: ERROR_CONTENT },
};

/** Build the OpenAPI document of some routes. */
export function buildOpenApiDocument(routes: readonly AnyRouteDefinition[]): OpenApiDocument {
  const components = new ComponentSchemas();
  components.render(errorBodySchema, "Error");
  const paths: Record<string, Record<string, OpenApiOperation>> = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const { operationId } = route;
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(operationId) || operationIds.has(operationId)) {
      throw new WeirError("INTERNAL", `route ${route.method} ${route.path}: operationId '${operationId}' is not a unique identifier`);
    }
    operationIds.add(operationId);
    const operation: OpenApiOperation = {
      operationId,
      summary: route.summary,
      parameters: [
        ...pathParameters(route, components),
        ...queryParameters(route, components),
      ],
      responses: responsesOf(route, components),
      ...(route.isPublic ? { security: [] as [] } : {}),
    };
    if (route.body) {
      operation.requestBody = { required: !isBodyOptional(route), content: { "application/json": { schema: components.render(route.body, operationId) } } };
    }
    const path = openApiPath(route.path);
    const method = route.method.toLowerCase();
    const operations = (paths[path] ??= {});
    if (operations[method]) throw new WeirError("INTERNAL", `route ${route.method} ${route.path} is declared twice`);
    operations[method] = operation;
  }
  return {
    openapi: "3.1.0",
    info: { title: "Weir API", version: "0.1.0", description: "REST API of the Weir workflow orchestrator (docs/api.md)." },
    servers: [{ url: "/" }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: components.schemas,
      responses: structuredClone(ERROR_RESPONSES),
      securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
    },
  };
}

function pathParameters(route: AnyRouteDefinition, components: ComponentSchemas): OpenApiOperation["parameters"] {
  if (pathParameterNames(route.path).length === 0) return [];
  return parametersOf(components.render(pathParametersSchemaOf(route), route.operationId), "path");
}

function queryParameters(route: AnyRouteDefinition, components: ComponentSchemas): OpenApiOperation["parameters"] {
  if (!route.query) return [];
  return parametersOf(components.render(route.query, route.operationId), "query");
}

/** The parameters of an object schema's properties (a path parameter is always required). */
function parametersOf(schema: JsonSchema, location: "path" | "query"): OpenApiOperation["parameters"] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return { name, in: location, required: location === "path" || required.has(name), schema: rest, ...(typeof description === "string" ? { description } : {}) };
  });
}

function responsesOf(route: AnyRouteDefinition, components: ComponentSchemas): OpenApiOperation["responses"] {
  const responses: OpenApiOperation["responses"] = {};
  const status = successStatusOf(route);
  if (route.isStream) {
    responses[status] = {
      description: "Server-Sent Events: one message per event, its `data:` a JSON value shaped as `data.contentSchema`",
      content: { "text/event-stream": { schema: serverSentEventSchema(route.response ? components.render(route.response, route.operationId) : null) } },
    };
  } else if (route.response === null) {
    responses[status] = { description: "No Content" };
  } else {
    responses[status] = { description: "OK", content: { "application/json": { schema: components.render(route.response, route.operationId) } } };
  }
  const error = (name: keyof typeof ERROR_RESPONSES) => ({ $ref: `#/components/responses/${name}` });
  const hasBody = route.method === "POST" || route.method === "PUT" || route.method === "PATCH";
  if (route.body) responses["400"] = error("BadRequest");
  if (!route.isPublic) responses["401"] = error("Unauthorized");
  responses["403"] = error("Forbidden");
  if (pathParameterNames(route.path).length > 0) responses["404"] = error("NotFound");
  if (hasBody) responses["413"] = error("PayloadTooLarge");
  if (hasBody) responses["415"] = error("UnsupportedMediaType");
  responses["421"] = error("MisdirectedRequest");
  if (route.body || route.query) responses["422"] = error("Invalid");
  responses["431"] = error("HeadersTooLarge");
  responses["503"] = error("Unavailable");
  responses.default = error("Error");
  return responses;
}

/**
 * The schema of one Server-Sent Event as OpenAPI 3.1 describes a stream (and 3.2's `itemSchema`
 * does): an object of the event's fields, whose `data` is JSON shaped as `item` (comment lines,
 * such as the keep-alives, are no events).
 */
function serverSentEventSchema(item: JsonSchema | null): JsonSchema {
  return {
    type: "object",
    properties: {
      event: { type: "string" },
      id: { type: "string" },
      retry: { type: "integer", minimum: 0 },
      data: { type: "string", contentMediaType: "application/json", ...(item ? { contentSchema: item } : {}) },
    },
    required: ["data"],
  };
}

// A query integer (`queryInt`) is a digit string checked as a number: its meta says "integer"
// with bounds, and the string's pattern would only confuse readers and generated clients.
function dropStringKeywordsOfIntegers(value: unknown): void {
  if (Array.isArray(value)) {
    for (const item of value) dropStringKeywordsOfIntegers(item);
    return;
  }
  if (value === null || typeof value !== "object") return;
  const record = value as Record<string, unknown>;
  if (record.type === "integer") delete record.pattern;
  for (const inner of Object.values(record)) dropStringKeywordsOfIntegers(inner);
}

/**
 * The component schemas of a document: JSON Schema renderings of zod schemas whose named
 * parts (`meta({ id })`) move into `#/components/schemas/<id>`; unnamed shared parts (recursion)
 * get the operation id as a prefix.
 */
class ComponentSchemas {
  readonly schemas: Record<string, JsonSchema> = {};

  /** The JSON Schema of `schema`, its named parts moved into the components; `prefix` names its unnamed ones. */
  render(schema: z.ZodType, prefix: string): JsonSchema {
    const json = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", cycles: "ref", reused: "inline" }) as JsonSchema;
    dropStringKeywordsOfIntegers(json);
    delete json.$schema;
    const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
    delete json.$defs;
    // zod names the unnamed definitions it extracts (cycles) `__schema0`, `__schema1`, …
    const nameOf = (name: string): string => (name.startsWith("__schema") ? `${prefix}_${name.replace(/^_+/, "")}` : name);
    const rewrite = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(rewrite);
      if (value === null || typeof value !== "object") return value;
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(value)) {
        out[key] = key === "$ref" && typeof inner === "string" && inner.startsWith("#/$defs/")
          ? `#/components/schemas/${nameOf(inner.slice("#/$defs/".length))}`
          : rewrite(inner);
      }
      return out;
    };
    for (const [name, def] of Object.entries(defs)) this.add(nameOf(name), rewrite(def) as JsonSchema);
    return rewrite(json) as JsonSchema;
  }

  private add(name: string, schema: JsonSchema): void {
    const existing = this.schemas[name];
    if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
      throw new WeirError("INTERNAL", `OpenAPI component '${name}' is declared by two different schemas`);
    }
    this.schemas[name] = schema;
  }
}
