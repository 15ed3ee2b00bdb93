/**
 * `GET /metrics` (Prometheus text format, server-metrics.ts) and the request timing behind
 * `weir_http_request_duration_seconds`. The endpoint follows the API's key rule: with an API key
 * configured it needs `Authorization: Bearer <key>` like every other route but health and ready
 * (Prometheus sends one with `authorization: { credentials_file: … }`); without a key the server
 * only listens on loopback (or was started `--insecure`), so the metrics are as open as the API.
 */
import type { Hono, MiddlewareHandler } from "hono";
import { WeirError } from "../core/weir-error.js";
import { isSameKey, presentedKey } from "./api-key-check.js";
import type { TemplateMatcher } from "./path-templates.js";
import type { ServerMetrics } from "./server-metrics.js";

/** Path of the metrics endpoint. */
export const METRICS_PATH = "/metrics";

/**
 * Time every request and count it under its route's template (`/api/flow-runs/:id`), so the
 * label has one value per route however many runs there are. Paths no route serves count as
 * `unmatched` under /api and `ui` elsewhere (the dashboard and its files).
 */
export function requestTiming(metrics: ServerMetrics, templateOf: TemplateMatcher): MiddlewareHandler {
  return async (context, next) => {
    const startedAt = performance.now();
    await next();
    const { path } = context.req;
    const route = path === METRICS_PATH ? METRICS_PATH : (templateOf(path) ?? (path === "/api" || path.startsWith("/api/") ? "unmatched" : "ui"));
    metrics.observeRequest(context.req.method, route, context.res.status, (performance.now() - startedAt) / 1000);
  };
}

/** Mount `GET /metrics` on the app (before the dashboard's catch-all). */
export function mountMetricsEndpoint(app: Hono, metrics: ServerMetrics, apiKey: string | undefined): void {
  app.get(METRICS_PATH, async (context) => {
    if (apiKey !== undefined) {
      const key = presentedKey(context, false);
      if (key === undefined || !isSameKey(key, apiKey)) throw new WeirError("UNAUTHORIZED", "missing or wrong API key: send 'Authorization: Bearer <key>'");
    }
    const { contentType, body } = await metrics.scrape();
    return context.body(body, 200, { "content-type": contentType, "cache-control": "no-store" });
  });
}
