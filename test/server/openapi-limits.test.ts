/**
 * The OpenAPI document states the limits the server applies, no more and no less: every path and
 * query parameter with a documented `maxLength` is accepted at that length and refused (422,
 * naming it) one past it; a blank name is refused wherever the document's pattern says so; a few
 * body limits are probed at their edge the same way. So a limit changed on one side only fails
 * here before schemathesis (scripts/faults/schemathesis.ts) finds it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MAX_CONCURRENCY_LIMIT, MAX_NAME_LENGTH, NON_BLANK_PATTERN, WORK_POOL_TYPES, isWithinLength } from "../../src/core/input-limits.js";
import type { OpenApiDocument } from "../../src/server/openapi-document.js";
import { openServedDocument, operationsOf, resolveRef } from "./openapi-validator.js";
import { IN_PROCESS_URL, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;
let document: OpenApiDocument;

beforeAll(async () => {
  ({ server, document } = await openServedDocument());
});
afterAll(async () => {
  await server.close();
});

interface Answer {
  status: number;
  issues: { path: string; message: string }[];
  message: string;
}

async function send(method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await server.app.request(`${IN_PROCESS_URL}${path}`, {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
  });
  const text = await response.text();
  const parsed = (text.startsWith("{") ? JSON.parse(text) : {}) as { error?: { message?: string; details?: { issues?: Answer["issues"] } } };
  return { status: response.status, issues: parsed.error?.details?.issues ?? [], message: parsed.error?.message ?? "" };
}

/** Whether an answer refuses `field` as invalid input. */
function refuses(answer: Answer, field: string): boolean {
  return answer.status === 422 && answer.issues.some((issue) => issue.path === field);
}

/** A value of `length` characters that the parameter's pattern (if any) accepts. */
function valueOfLength(schema: Record<string, unknown>, length: number): string {
  const value = "a".repeat(length);
  if (typeof schema.pattern === "string") expect(new RegExp(schema.pattern, "u").test(value), `${schema.pattern} accepts 'a…'`).toBe(true);
  return value;
}

describe("documented parameter limits are the server's", () => {
  it("every path and query parameter with a maxLength: accepted at it, refused (422, named) one past it", async () => {
    let probed = 0;
    for (const { method, path, operation } of operationsOf(document).values()) {
      if (method !== "GET" && method !== "DELETE") continue; // Those need no body, so a 422 is the parameter's.
      const isStream = JSON.stringify(operation.responses["200"] ?? {}).includes("text/event-stream");
      for (const parameter of operation.parameters) {
        const maxLength = parameter.schema.maxLength;
        if (typeof maxLength !== "number") continue;
        const url = (value: string) => {
          const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(name === parameter.name ? value : "p1"));
          return parameter.in === "query" ? `${filled}?${parameter.name}=${encodeURIComponent(value)}` : filled;
        };
        const where = `${method} ${path} ${parameter.in} ${parameter.name}`;
        if (isStream) continue; // A stream answers 200 and stays open; its query is checked like any other.
        // A cursor of that length is still not one the API made (its `format` says so).
        if (parameter.schema.format !== "page-cursor") {
          const atLimit = await send(method, url(valueOfLength(parameter.schema, maxLength)));
          expect(refuses(atLimit, parameter.name), `${where} at ${maxLength}: ${atLimit.status} ${atLimit.message}`).toBe(false);
          expect(atLimit.status, where).toBeLessThan(500);
        }
        const pastLimit = await send(method, url(valueOfLength(parameter.schema, maxLength + 1)));
        expect(refuses(pastLimit, parameter.name), `${where} at ${maxLength + 1}: ${pastLimit.status} ${pastLimit.message}`).toBe(true);
        probed += 1;
      }
    }
    expect(probed).toBeGreaterThan(20);
  });

  it("every name parameter (the non-blank pattern): a blank value is refused, naming it", async () => {
    let probed = 0;
    for (const { method, path, operation } of operationsOf(document).values()) {
      if (method !== "GET" && method !== "DELETE") continue;
      for (const parameter of operation.parameters.filter((candidate) => candidate.in === "path" && candidate.schema.pattern === NON_BLANK_PATTERN)) {
        const filled = path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(name === parameter.name ? " \t" : "p1"));
        expect(refuses(await send(method, filled), parameter.name), `${method} ${path} ${parameter.name}`).toBe(true);
        probed += 1;
      }
    }
    expect(probed).toBeGreaterThan(10);
  });

  it("counts characters as JSON Schema does: MAX_NAME_LENGTH emoji are a valid name, one more is not", async () => {
    expect((await send("GET", `/api/flows/${encodeURIComponent("😀".repeat(MAX_NAME_LENGTH))}`)).status).toBe(404);
    expect(refuses(await send("GET", `/api/flows/${encodeURIComponent("😀".repeat(MAX_NAME_LENGTH + 1))}`), "idOrName")).toBe(true);
    expect((await send("POST", "/api/flows", { name: "😀".repeat(MAX_NAME_LENGTH) })).status).toBe(200);
    expect(refuses(await send("POST", "/api/flows", { name: "😀".repeat(MAX_NAME_LENGTH + 1) }), "name")).toBe(true);
  });
});

describe("documented body limits are the server's", () => {
  const bodySchema = (operationId: string) => {
    const { operation } = operationsOf(document).get(operationId)!;
    const schema = operation.requestBody!.content["application/json"].schema;
    return (typeof schema.$ref === "string" ? resolveRef(document, schema.$ref) : schema) as { properties: Record<string, Record<string, unknown>> };
  };

  it("names in bodies: MAX_NAME_LENGTH and the non-blank pattern, on both sides of the edge", async () => {
    const name = bodySchema("createFlowRun").properties.flowName!;
    expect(name).toMatchObject({ maxLength: MAX_NAME_LENGTH, minLength: 1, pattern: NON_BLANK_PATTERN });
    expect((await send("POST", "/api/flow-runs", { flowName: "f".repeat(MAX_NAME_LENGTH) })).status).toBe(200);
    expect(refuses(await send("POST", "/api/flow-runs", { flowName: "f".repeat(MAX_NAME_LENGTH + 1) }), "flowName")).toBe(true);
    expect(refuses(await send("POST", "/api/flow-runs", { flowName: "\u00a0\ufeff" }), "flowName")).toBe(true);
    const run = await server.client.createFlowRun({ flowName: "limits" });
    const transition = (transitionId: string) => send("POST", `/api/flow-runs/${run.id}/set-state`, { state: { type: "PENDING", name: "Pending", id: crypto.randomUUID(), timestamp: new Date().toISOString() }, transitionId });
    expect((await transition("t".repeat(MAX_NAME_LENGTH))).status).toBe(200);
    expect(refuses(await transition("t".repeat(MAX_NAME_LENGTH + 1)), "transitionId")).toBe(true);
    expect(refuses(await send("POST", `/api/flow-runs/${run.id}/heartbeat`, { infrastructurePid: "" }), "infrastructurePid")).toBe(true);
    expect(refuses(await send("POST", `/api/flow-runs/${run.id}/heartbeat`, { heartbeatIntervalSeconds: 0.5 }), "heartbeatIntervalSeconds")).toBe(true);
    expect((await send("POST", `/api/flow-runs/${run.id}/heartbeat`, { infrastructurePid: "1234", heartbeatIntervalSeconds: 1 })).status).toBe(200);
  });

  it("an optional body may be absent, but white space alone is no JSON (400)", async () => {
    const run = await server.client.createFlowRun({ flowName: "bodies" });
    const heartbeat = (body: string) => server.app.request(`${IN_PROCESS_URL}/api/flow-runs/${run.id}/heartbeat`, { method: "POST", body, headers: { "content-type": "application/json" } });
    expect((await heartbeat("")).status).toBe(200);
    expect((await heartbeat("\n")).status).toBe(400);
  });

  it("schedule times stay within the document's timestamps (four-digit years)", async () => {
    const answer = await server.app.request(`${IN_PROCESS_URL}/api/schedules/preview`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ schedule: { interval: 805_417_699 }, count: 492, after: "2026-12-03T00:00:00Z" }),
    });
    const { times } = (await answer.json()) as { times: string[] };
    expect(times.length).toBeGreaterThan(0);
    expect(times.length).toBeLessThan(492);
    for (const time of times) expect(time).toMatch(/^\d{4}-/);
  });

  it("a work pool's type is one of the documented ones", async () => {
    expect(bodySchema("createWorkPool").properties.type).toMatchObject({ enum: [...WORK_POOL_TYPES] });
    expect((await send("POST", "/api/work-pools", { name: "typed", type: WORK_POOL_TYPES[0] })).status).toBe(200);
    expect(refuses(await send("POST", "/api/work-pools", { name: "untyped", type: "kubernetes" }), "type")).toBe(true);
    // Past a 32-bit column's range PostgreSQL would fail the insert: the limit keeps both databases alike.
    expect(bodySchema("createWorkPool").properties.concurrencyLimit).toMatchObject({ anyOf: expect.arrayContaining([expect.objectContaining({ maximum: MAX_CONCURRENCY_LIMIT })]) });
    expect((await send("POST", "/api/work-pools", { name: "wide", concurrencyLimit: MAX_CONCURRENCY_LIMIT })).status).toBe(200);
    expect(refuses(await send("POST", "/api/work-pools", { name: "wider", concurrencyLimit: 4_068_548_221 }), "concurrencyLimit")).toBe(true);
  });

  it("a new flow run's state: the documented types are accepted, the others refused", async () => {
    const initial = document.components.schemas.InitialState as { oneOf: { properties: { type: { const: string } } }[] };
    const documented = initial.oneOf.map((branch) => branch.properties.type.const);
    expect(documented.sort()).toEqual(["PENDING", "RUNNING", "SCHEDULED"]);
    const create = (type: string, name: string) => send("POST", "/api/flow-runs", { flowName: "initial", state: { type, name, id: crypto.randomUUID(), timestamp: new Date().toISOString() } });
    expect((await create("RUNNING", "Running")).status).toBe(200);
    expect((await create("COMPLETED", "Completed")).status).toBe(422);
    expect(refuses(await create("SCHEDULED", "Suspended"), "state.type")).toBe(true);
  });
});

describe("the non-blank pattern", () => {
  it("is what trim() keeps, for every UTF-16 code unit", () => {
    const pattern = new RegExp(NON_BLANK_PATTERN, "u");
    const disagreeing: string[] = [];
    for (let code = 0; code <= 0xffff; code += 1) {
      const text = String.fromCharCode(code);
      if (pattern.test(text) !== (text.trim() !== "")) disagreeing.push(code.toString(16));
    }
    expect(disagreeing).toEqual([]);
  });

  it("isWithinLength counts code points", () => {
    expect(isWithinLength("😀".repeat(3), 3)).toBe(true);
    expect(isWithinLength("😀".repeat(4), 3)).toBe(false);
    expect(isWithinLength("abc", 3)).toBe(true);
    expect(isWithinLength("abcd", 3)).toBe(false);
  });
});
