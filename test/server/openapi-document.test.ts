/**
 * The served OpenAPI document is valid OpenAPI 3.1 in shape (paths and their parameters,
 * unique operation ids, one success status per operation, every `$ref` resolving), shares its
 * models as named components, and is refused when routes would make it ambiguous. And a method a
 * path does not support answers 405 with an `Allow` header and the usual error body.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { buildOpenApiDocument, type OpenApiDocument } from "../../src/server/openapi-document.js";
import { defineRoute } from "../../src/server/route-registry.js";
import { documentValidator, documentedResponse, openServedDocument, operationsOf, resolveRef } from "./openapi-validator.js";
import { IN_PROCESS_URL, type ServerTestApp } from "./server-test-app.js";

const METHODS = ["get", "put", "post", "patch", "delete"];
let server: ServerTestApp;
let document: OpenApiDocument;

beforeAll(async () => {
  ({ server, document } = await openServedDocument());
});
afterAll(async () => {
  await server.close();
});

/** Every `$ref` string anywhere in a value, with where it was found. */
function refsIn(value: unknown, at = "#"): { ref: string; at: string }[] {
  if (Array.isArray(value)) return value.flatMap((item, index) => refsIn(item, `${at}/${index}`));
  if (value === null || typeof value !== "object") return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === "$ref" && typeof inner === "string" ? [{ ref: inner, at }] : refsIn(inner, `${at}/${key}`),
  );
}

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 in shape: paths, parameters, operations and responses", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(typeof document.info.title).toBe("string");
    expect(typeof document.info.version).toBe("string");
    for (const requirement of document.security) {
      for (const name of Object.keys(requirement)) expect(document.components.securitySchemes[name], name).toBeDefined();
    }
    const operationIds: string[] = [];
    for (const [path, operations] of Object.entries(document.paths)) {
      expect(path).toMatch(/^\/api(\/[A-Za-z0-9._-]+|\/\{[A-Za-z0-9_]+\})+$/);
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]).sort();
      for (const [method, operation] of Object.entries(operations)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(METHODS, where).toContain(method);
        operationIds.push(operation.operationId);
        expect(operation.operationId, where).toMatch(/^[a-z][A-Za-z0-9]*$/);
        expect(operation.summary, where).not.toBe("");
        const declared = operation.parameters.filter((parameter) => parameter.in === "path");
        expect(declared.map((parameter) => parameter.name).sort(), where).toEqual(templated);
        expect(declared.every((parameter) => parameter.required), where).toBe(true);
        const keys = operation.parameters.map((parameter) => `${parameter.in}:${parameter.name}`);
        expect(new Set(keys).size, `${where}: parameters unique`).toBe(keys.length);
        const statuses = Object.keys(operation.responses);
        expect(statuses.filter((status) => /^2\d\d$/.test(status)), `${where}: one success status`).toHaveLength(1);
        for (const status of statuses) {
          expect(status, where).toMatch(/^([1-5]\d\d|default)$/);
          const response = documentedResponse(document, operation, status === "default" ? 599 : Number(status));
          expect(response?.description, `${where} ${status}`).toBeTruthy();
        }
        if (operation.requestBody) expect(operation.requestBody.content["application/json"].schema, where).toBeDefined();
        if (method === "get" || method === "delete") expect(operation.requestBody, `${where}: no body`).toBeUndefined();
      }
    }
    expect(new Set(operationIds).size, "operation ids are unique").toBe(operationIds.length);
    expect(operationIds).toEqual(expect.arrayContaining(["listFlowRuns", "readFlowRun", "createFlowRun", "upsertDeployment", "listWorkPools", "streamEvents"]));
  });

  it("every $ref resolves, and only components are referenced", () => {
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(100);
    for (const { ref, at } of refs) {
      expect(ref, at).toMatch(/^#\/components\/(schemas|responses)\/[A-Za-z0-9._-]+$/);
      expect(resolveRef(document, ref), `${ref} at ${at}`).toBeDefined();
    }
    expect(JSON.stringify(document)).not.toContain("$defs");
    for (const name of Object.keys(document.components.schemas)) expect(name).toMatch(/^[A-Za-z0-9._-]+$/);
  });

  it("shares the models as named components that operations reference, never inlines them", () => {
    const schemaOf = (operationId: string, status: number) =>
      documentedResponse(document, operationsOf(document).get(operationId)!.operation, status)?.content?.["application/json"]?.schema;
    expect(schemaOf("readFlowRun", 200)).toEqual({ $ref: "#/components/schemas/FlowRun" });
    expect(schemaOf("listFlowRuns", 200)).toEqual({ $ref: "#/components/schemas/FlowRunPage" });
    expect(schemaOf("readTaskRun", 200)).toEqual({ $ref: "#/components/schemas/TaskRun" });
    expect(schemaOf("readDeployment", 200)).toEqual({ $ref: "#/components/schemas/Deployment" });
    expect(schemaOf("readWorkPool", 200)).toEqual({ $ref: "#/components/schemas/WorkPool" });
    expect(schemaOf("readFlowRun", 404)).toEqual({ $ref: "#/components/schemas/Error" });
    expect(schemaOf("deleteFlowRun", 204)).toBeUndefined();
    const page = document.components.schemas.FlowRunPage as { properties: Record<string, unknown>; required: string[] };
    expect(page.properties.items).toEqual({ type: "array", items: { $ref: "#/components/schemas/FlowRun" } });
    expect(page.required.sort()).toEqual(["items", "nextCursor"]);
    // Fields found only in these models: had one been inlined, its field would appear in paths.
    const paths = JSON.stringify(document.paths);
    for (const field of ["expectedStartTime", "totalRunTimeMs", "lastPolledAt", "activeSlots"]) expect(paths.includes(`"${field}"`), field).toBe(false);
    const usedByRequestAndResponse = JSON.stringify(document.paths["/api/flow-runs/{id}/set-state"]);
    expect(usedByRequestAndResponse).toContain("#/components/schemas/State");
  });

  it("validates with the document's own schemas (a wrong body fails)", () => {
    const flowRun = documentValidator(document, { $ref: "#/components/schemas/FlowRunCount" });
    expect(flowRun.safeParse({ count: 3 }).success).toBe(true);
    expect(flowRun.safeParse({ count: "3" }).success).toBe(false);
    const state = documentValidator(document, { $ref: "#/components/schemas/State" });
    const now = new Date().toISOString();
    expect(state.safeParse({ id: "s", type: "FAILED", name: "Failed", timestamp: now, error: { name: "E", message: "m", cause: { name: "C", message: "c" } } }).success).toBe(true);
    expect(state.safeParse({ id: "s", type: "FAILED", name: "Failed", timestamp: now, error: { name: "E", message: "m", cause: { name: 1 } } }).success).toBe(false);
  });
});

describe("buildOpenApiDocument refuses an ambiguous registry", () => {
  const route = (operationId: string, path: string, response: z.ZodType | null = null) =>
    defineRoute({ method: "GET", path, operationId, summary: "test", response, handle: async () => undefined });

  it("two routes with one operation id", () => {
    expect(() => buildOpenApiDocument([route("readThing", "/api/a"), route("readThing", "/api/b")])).toThrow(/operationId 'readThing'/);
  });

  it("an operation id that is not an identifier", () => {
    expect(() => buildOpenApiDocument([route("read thing", "/api/a")])).toThrow(/operationId 'read thing'/);
  });

  it("one method and path declared twice", () => {
    expect(() => buildOpenApiDocument([route("readA", "/api/a"), route("readB", "/api/a")])).toThrow(/declared twice/);
  });

  it("two different schemas under one component name", () => {
    const first = z.object({ a: z.string() }).meta({ id: "Thing" });
    const second = z.object({ b: z.number() }).meta({ id: "Thing" });
    expect(() => buildOpenApiDocument([route("readA", "/api/a", first), route("readB", "/api/b", second)])).toThrow(/component 'Thing'/);
    expect(buildOpenApiDocument([route("readA", "/api/a", first), route("readB", "/api/b", first)]).components.schemas.Thing).toBeDefined();
  });
});

describe("a method a path does not support", () => {
  it("answers 405 with the path's methods in Allow and the usual error body, for every documented path", async () => {
    const errorBody = documentValidator(document, { $ref: "#/components/schemas/Error" });
    let checked = 0;
    for (const template of Object.keys(document.paths)) {
      // A parameter's value never equals a static segment here, so the path is its template's own.
      const path = template.replace(/\{[^}]+\}/g, "p1");
      const documented = Object.keys(document.paths[template] ?? {}).map((method) => method.toUpperCase());
      const allow = [...documented, ...(documented.includes("GET") ? ["HEAD"] : [])].sort().join(", ");
      for (const method of METHODS.map((name) => name.toUpperCase()).filter((name) => !documented.includes(name))) {
        const response = await server.app.request(`${IN_PROCESS_URL}${path}`, { method });
        const body = (await response.json()) as { error: { code: string; message: string } };
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get("allow"), `${method} ${path}`).toBe(allow);
        expect(errorBody.safeParse(body).error?.issues ?? [], `${method} ${path}`).toEqual([]);
        expect(body.error.code).toBe("METHOD_NOT_ALLOWED");
        expect(body.error.message).toContain(method);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("lists only the methods of the most specific template: a static segment beats a parameter", async () => {
    // `/api/flow-runs/count` also matches `/api/flow-runs/{id}`, whose DELETE is no operation of `count`.
    const count = await server.app.request(`${IN_PROCESS_URL}/api/flow-runs/count`, { method: "DELETE" });
    expect(count.status).toBe(405);
    expect(count.headers.get("allow")).toBe("GET, HEAD");
    const acquire = await server.app.request(`${IN_PROCESS_URL}/api/concurrency-limits/acquire`, { method: "GET" });
    expect(acquire.status).toBe(405);
    expect(acquire.headers.get("allow")).toBe("POST");
    const batch = await server.app.request(`${IN_PROCESS_URL}/api/task-runs/batch`, { method: "GET" });
    expect(batch.headers.get("allow")).toBe("POST");
    expect((await server.app.request(`${IN_PROCESS_URL}/api/flow-runs/count`)).status).toBe(200);
  });

  it("also on the document's own path; unknown paths stay 404 and supported methods still answer", async () => {
    const onDocument = await server.app.request(`${IN_PROCESS_URL}/api/openapi.json`, { method: "POST" });
    expect(onDocument.status).toBe(405);
    expect(onDocument.headers.get("allow")).toBe("GET, HEAD");
    const unknown = await server.app.request(`${IN_PROCESS_URL}/api/nothing-here`, { method: "PUT" });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe("NOT_FOUND");
    expect((await server.app.request(`${IN_PROCESS_URL}/api/flow-runs/`, { method: "GET" })).status).toBe(404);
    expect((await server.app.request(`${IN_PROCESS_URL}/api/flow-runs`, { method: "HEAD" })).status).toBe(200);
    expect((await server.app.request(`${IN_PROCESS_URL}/api/flow-runs`, { method: "GET" })).status).toBe(200);
  });
});
