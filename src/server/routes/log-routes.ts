/** Routes of logs: batched append, read by cursor. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { appendLogsSchema, readLogsQuerySchema } from "../schemas/log-schemas.js";

/** The log routes. */
export function logRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "POST",
      path: "/api/logs",
      summary: "Append log lines in a batch (appendLogs)",
      body: appendLogsSchema,
      handle: ({ body }) => api.appendLogs(body.logs),
    }),
    defineRoute({
      method: "GET",
      path: "/api/logs",
      summary: "Read log lines after a cursor id (readLogs)",
      query: readLogsQuerySchema,
      handle: async ({ query }) => ({ items: await api.readLogs(query) }),
    }),
  ];
}
