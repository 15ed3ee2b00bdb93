/**
 * A span per HTTP request when traces are on (core/tracing/weir-tracing.ts): named
 * `<METHOD> <route template>` (`GET /api/flow-runs/:id`; `unmatched` for an unknown /api path,
 * `ui` for the dashboard's files), kind SERVER, with the stable HTTP attributes of OpenTelemetry's
 * semantic conventions; status ERROR on a 5xx answer. A `traceparent` header makes it the child
 * of the caller's span. Off, createApp does not mount it.
 */
import type { MiddlewareHandler } from "hono";
import { parseTraceparent } from "../core/tracing/traceparent.js";
import type { WeirTracing } from "../core/tracing/weir-tracing.js";
import type { TemplateMatcher } from "./path-templates.js";

/** The middleware that traces every request (see file header). */
export function requestSpans(tracing: WeirTracing, templateOf: TemplateMatcher): MiddlewareHandler {
  return async (context, next) => {
    const { method, path } = context.req;
    const route = templateOf(path) ?? (path === "/api" || path.startsWith("/api/") ? "unmatched" : "ui");
    const span = tracing.startSpan(`${method} ${route}`, {
      kind: "server",
      parent: parseTraceparent(context.req.header("traceparent")),
      attributes: { "http.request.method": method, "http.route": route, "url.path": path },
    });
    try {
      await next();
    } finally {
      // Hono answers errors through onError before this point; a throw still ends the span.
      const status = context.res.status;
      span.setAttribute("http.response.status_code", status);
      tracing.endSpan(span, status >= 500 ? `HTTP ${status}` : null);
    }
  };
}
