/** Routes of logs: batched append, read by cursor. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { appendLogsSchema, logRecordListSchema, readLogsQuerySchema } from "../schemas/log-schemas.js";

/** The log routes. */
export function logRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/logs",
      operationId: "appendLogs",
      summary: "Append log lines in a batch (appendLogs)",
      body: appendLogsSchema,
      response: null,
      handle: ({ body }) => api.appendLogs(body.logs),
    }),
    defineRoute({
      method: "GET",
      path: "/api/logs",
      operationId: "readLogs",
      summary: "Read log lines after a cursor id (readLogs)",
      query: readLogsQuerySchema,
      response: logRecordListSchema,
      handle: async ({ query }) => ({ items: await api.readLogs(query) }),
    }),
  ];
}
