/** Liveness and readiness: the only routes that answer without the API key. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { healthSchema, readinessSchema } from "../schemas/health-schemas.js";

/** The health routes. */
export function healthRoutes({ isReady }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/health",
      operationId: "readHealth",
      summary: "Liveness: the server process answers",
      isPublic: true,
      response: healthSchema,
      handle: async () => ({ status: "ok" as const }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/ready",
      operationId: "readReadiness",
      summary: "Readiness: the database answers",
      isPublic: true,
      response: readinessSchema,
      handle: async () => {
        if (!(await isReady().catch(() => false))) throw new WeirError("UNAVAILABLE", "the database does not answer");
        return { status: "ready" as const };
      },
    }),
  ];
}
