/**
 * Routes of the `server` result store: put, get, delete and list serialized results by key. The
 * bytes travel as base64 in JSON; a result over the server's limit (`WEIR_RESULT_MAX_BYTES`) is
 * answered 413 (create-app.ts gives these routes their own body limit).
 */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { putResultSchema, resultKeySchema, resultKeysSchema, resultDataSchema, resultListQuerySchema, storedResultPageSchema, storedResultSchema } from "../schemas/result-schemas.js";

/** The default largest result the server stores: 64 MiB. */
export const DEFAULT_MAX_RESULT_BYTES = 64 * 1024 * 1024;

/** The body limit of a result upload of at most `maxResultBytes`: its base64 and the JSON around it. */
export function resultBodyLimit(maxResultBytes: number): number {
  return Math.ceil(maxResultBytes / 3) * 4 + 1024;
}

/** The result routes. */
export function resultRoutes({ orchestration: api, maxResultBytes = DEFAULT_MAX_RESULT_BYTES }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/results",
      operationId: "listResults",
      summary: "List stored results by key (listResults)",
      query: resultListQuerySchema,
      response: storedResultPageSchema,
      handle: ({ query }) => api.listResults(query),
    }),
    defineRoute({
      method: "POST",
      path: "/api/results/referenced",
      operationId: "referencedResultKeys",
      summary: "Which of these result keys some run's state still refers to (referencedResultKeys)",
      body: resultKeysSchema,
      response: resultKeysSchema,
      handle: async ({ body }) => ({ keys: await api.referencedResultKeys(body.keys) }),
    }),
    defineRoute({
      method: "PUT",
      path: "/api/results/:key",
      params: { key: resultKeySchema },
      operationId: "putResult",
      summary: "Store a serialized result (base64) under a key; 413 past the server's limit (putResult)",
      body: putResultSchema,
      response: storedResultSchema,
      handle: ({ params, body }) => {
        const data = Buffer.from(body.data, "base64");
        if (data.byteLength > maxResultBytes) throw tooLarge(data.byteLength, maxResultBytes);
        return api.putResult(params.key ?? "", data);
      },
    }),
    defineRoute({
      method: "GET",
      path: "/api/results/:key",
      params: { key: resultKeySchema },
      operationId: "readResult",
      summary: "Read a stored result (base64); 404 when there is none (readResult)",
      response: resultDataSchema,
      handle: async ({ params }) => {
        const data = await api.readResult(params.key ?? "");
        if (data === null) throw WeirError.notFound("result", params.key ?? "");
        return { data: Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("base64") };
      },
    }),
    defineRoute({
      method: "DELETE",
      path: "/api/results/:key",
      params: { key: resultKeySchema },
      operationId: "deleteResult",
      summary: "Delete a stored result (deleteResult)",
      response: null,
      handle: ({ params }) => api.deleteResult(params.key ?? ""),
    }),
  ];
}

/** PAYLOAD_TOO_LARGE for a result of `size` bytes (null when unknown) past the limit. */
export function tooLarge(size: number | null, maxResultBytes: number): WeirError {
  const what = size === null ? "the result" : `the result of ${size} bytes`;
  return new WeirError("PAYLOAD_TOO_LARGE", `${what} is over this server's limit of ${maxResultBytes} bytes per result (WEIR_RESULT_MAX_BYTES); use an s3:// or file:// result store for larger results`, {
    details: { maxResultBytes },
  });
}
