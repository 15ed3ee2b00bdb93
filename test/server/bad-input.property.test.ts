/**
 * Property: malformed and wrong-typed bodies, path parameters and query strings sent to every
 * operation of the OpenAPI document never get a 5xx answer; NUL characters, lone surrogates and
 * values nested thousands of levels deep included.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { arbitraryOfSchema } from "./json-schema-arbitrary.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

interface Operation {
  method: string;
  path: string;
  queryNames: string[];
  bodyProperties: string[];
  bodySchema: Record<string, unknown> | null;
  isStream: boolean;
}

let server: ServerTestApp;
let operations: Operation[] = [];
let components: Record<string, Record<string, unknown>> = {};

beforeAll(async () => {
  server = await createServerTestApp();
  const response = await server.app.request(`${IN_PROCESS_URL}/api/openapi.json`);
  const document = (await response.json()) as {
    components: { schemas: Record<string, Record<string, unknown>> };
    paths: Record<string, Record<string, { parameters?: { name: string; in: string }[]; requestBody?: { content: Record<string, { schema?: { properties?: Record<string, unknown> } }> }; responses: Record<string, { content?: Record<string, unknown> }> }>>;
  };
  components = document.components.schemas;
  operations = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      queryNames: (operation.parameters ?? []).filter((parameter) => parameter.in === "query").map((parameter) => parameter.name),
      bodyProperties: Object.keys(operation.requestBody?.content["application/json"]?.schema?.properties ?? {}),
      bodySchema: (operation.requestBody?.content["application/json"]?.schema as Record<string, unknown> | undefined) ?? null,
      isStream: Boolean(operation.responses["200"]?.content?.["text/event-stream"]),
    })),
  );
});
afterAll(async () => {
  await server.close();
});

const anyJson = fc.jsonValue({ maxDepth: 3 });
// Characters PostgreSQL cannot keep (stored as U+FFFD on both databases).
const unstorableString = fc.constantFrom("nul\u0000byte", "\u0000", "lone \ud800 surrogate", "\udfff");
const wrongValue = fc.oneof(
  unstorableString,
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(fc.string(), fc.integer()), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.oneof(fc.string(), fc.integer()), { maxKeys: 3 }),
);
const malformedText = fc.oneof(
  fc.string(),
  fc.constantFrom("{", "{\"a\":", "[1,", "nul", "{'a':1}", "\u0000", "{\"a\":1}}", "\"unterminated"),
);

function bodyOf(operation: Operation): fc.Arbitrary<string | undefined> {
  const typed = fc
    .record({
      keys: fc.subarray(operation.bodyProperties),
      values: fc.array(wrongValue, { minLength: operation.bodyProperties.length, maxLength: operation.bodyProperties.length }),
    })
    .map(({ keys, values }) => JSON.stringify(Object.fromEntries(keys.map((key, index) => [key, values[index]]))));
  const shaped = operation.bodySchema ? arbitraryOfSchema(operation.bodySchema, components).map((value) => JSON.stringify(value)) : fc.constant("{}");
  // A field holding 5,000 nested objects or 100,000 nested arrays (as text: JSON.stringify overflows on them).
  const deep = fc
    .tuple(fc.constantFrom(...operation.bodyProperties, "value"), fc.constantFrom(`${'{"a":'.repeat(5000)}1${"}".repeat(5000)}`, `${"[".repeat(100_000)}${"]".repeat(100_000)}`))
    .map(([key, value]) => `{"${key}":${value}}`);
  return fc.oneof(fc.constant(undefined), malformedText, anyJson.map((value) => JSON.stringify(value)), typed, shaped, shaped, deep);
}

function queryOf(operation: Operation): fc.Arbitrary<string> {
  const names = fc.constantFrom(...operation.queryNames, "unknown", "limit", "cursor");
  const value = fc.oneof(fc.string(), fc.integer().map(String), fc.constantFrom("", "null", "-1", "1e309", "NaN", "a,,b", "%zz", "true", "nul\u0000", "\ud800"));
  return fc.array(fc.tuple(names, value), { maxLength: 4 }).map((pairs) => {
    const params = new URLSearchParams();
    for (const [name, text] of pairs) params.append(name, text);
    const text = params.toString();
    return text ? `?${text}` : "";
  });
}

// A fixed seed by default, so that a CI run is reproducible; WEIR_PROPERTY_SEED explores others.
const SEED = Number(process.env.WEIR_PROPERTY_SEED ?? 20261127);

const pathValue = fc.oneof(fc.string({ minLength: 1 }), fc.uuid(), fc.constantFrom("null", "..", "%", "default", "a/b", "0", "nul\u0000name"));

describe("bad input never gets a 5xx", () => {
  it("the document lists operations", () => {
    expect(operations.length).toBeGreaterThan(50);
  });

  it("holds for every operation", async () => {
    const failures: string[] = [];
    const accepted = new Set<string>();
    for (const operation of operations) {
      const result = await fc.check(
        fc.asyncProperty(pathValue, queryOf(operation), bodyOf(operation), async (parameter, query, body) => {
          const path = operation.path.replace(/\{[^}]+\}/g, () => encodeURIComponent(parameter));
          const hasBody = operation.method !== "GET" && operation.method !== "DELETE";
          const controller = new AbortController();
          const response = await server.app.request(`${IN_PROCESS_URL}${path}${query}`, {
            method: operation.method,
            headers: hasBody ? { "content-type": "application/json" } : {},
            body: hasBody ? body : undefined,
            signal: controller.signal,
          });
          controller.abort();
          if (response.status < 300) accepted.add(`${operation.method} ${operation.path}`);
          const text = operation.isStream && response.status === 200 ? "" : await response.text();
          await response.body?.cancel().catch(() => undefined);
          // Areas another team has not landed yet answer 503 by design (createUnavailable…Service).
          const isNotBuiltYet = response.status === 503 && text.includes("not available in this build");
          if (response.status >= 500 && !isNotBuiltYet) {
            throw new Error(`${operation.method} ${path}${query} body=${body} → ${response.status} ${text}`);
          }
        }),
        { numRuns: 40, endOnFailure: true, interruptAfterTimeLimit: 10_000, seed: SEED },
      );
      if (result.failed) failures.push(String(result.errorInstance instanceof Error ? result.errorInstance.message : result.counterexample));
    }
    expect(failures).toEqual([]);
    // The shaped bodies get past validation, so the services themselves saw odd input too (a
    // third of the operations at least: which ones accept depends on the drawn values).
    expect(accepted.size, `seed ${SEED}`).toBeGreaterThan(operations.length / 3);
  }, 240_000);
});
