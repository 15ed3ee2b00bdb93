/**
 * Reading the served OpenAPI document in tests: resolve its `$ref`s, find an operation and the
 * response it documents for a status, and validate a body against the document's own JSON
 * Schema (zod's `fromJSONSchema`, with the components as `$defs`), not against the zod schemas
 * it was generated from, so a fault in the generation shows too.
 */
import { z } from "zod";
import type { OpenApiDocument, OpenApiOperation } from "../../src/server/openapi-document.js";
import { IN_PROCESS_URL, createServerTestApp, type ServerTestApp } from "./server-test-app.js";

type Json = Record<string, unknown>;

/** The value a local `$ref` (`#/a/b`) points at in the document, or undefined. */
export function resolveRef(document: OpenApiDocument, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  let value: unknown = document;
  for (const part of ref.slice(2).split("/")) {
    const key = part.replaceAll("~1", "/").replaceAll("~0", "~");
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Json)[key];
  }
  return value;
}

/** An operation of the document with its method and path template. */
export interface DocumentedOperation {
  method: string;
  path: string;
  operation: OpenApiOperation;
}

/** Every operation of the document, by operation id. */
export function operationsOf(document: OpenApiDocument): Map<string, DocumentedOperation> {
  const operations = new Map<string, DocumentedOperation>();
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) operations.set(operation.operationId, { method: method.toUpperCase(), path, operation });
  }
  return operations;
}

/** The response an operation documents for a status (or its `default`), `$ref` resolved. */
export function documentedResponse(
  document: OpenApiDocument,
  operation: OpenApiOperation,
  status: number,
): { description: string; content?: Record<string, Json> } | undefined {
  const response = operation.responses[String(status)] ?? (status >= 400 ? operation.responses.default : undefined);
  if (response && "$ref" in response) return resolveRef(document, response.$ref) as { description: string; content?: Record<string, Json> } | undefined;
  return response;
}

const validators = new WeakMap<OpenApiDocument, Map<string, z.ZodType>>();

/** A validator of the JSON Schema `schema`, whose `$ref`s point into the document's components. */
export function documentValidator(document: OpenApiDocument, schema: Json): z.ZodType {
  const cache = validators.get(document) ?? new Map<string, z.ZodType>();
  validators.set(document, cache);
  const key = JSON.stringify(schema);
  const cached = cache.get(key);
  if (cached) return cached;
  const validator = z.fromJSONSchema({ ...(toDefs(schema) as Json), $defs: toDefs(document.components.schemas) } as never);
  cache.set(key, validator);
  return validator;
}

function toDefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDefs);
  if (value === null || typeof value !== "object") return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === "$ref" && typeof inner === "string" ? inner.replace("#/components/schemas/", "#/$defs/") : toDefs(inner),
    ]),
  );
}

/** A fresh in-process server and the OpenAPI document it serves. */
export async function openServedDocument(): Promise<{ server: ServerTestApp; document: OpenApiDocument }> {
  const server = await createServerTestApp();
  const document = (await (await server.app.request(`${IN_PROCESS_URL}/api/openapi.json`)).json()) as OpenApiDocument;
  return { server, document };
}
