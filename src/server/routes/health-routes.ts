/** Liveness and readiness: the only routes that answer without the API key. */
import { WeirError } from "../../core/weir-error.js";
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";

/** The health routes. */
export function healthRoutes({ isReady }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/health",
      summary: "Liveness: the server process answers",
      isPublic: true,
      handle: async () => ({ status: "ok" }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/ready",
      summary: "Readiness: the database answers",
      isPublic: true,
      handle: async () => {
        if (!(await isReady().catch(() => false))) throw new WeirError("UNAVAILABLE", "the database does not answer");
        return { status: "ready" };
      },
    }),
  ];
}
