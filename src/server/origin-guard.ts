/**
 * Cross-site request defence: a browser names the page behind a request in `Origin` (and, in
 * current browsers, says `Sec-Fetch-Site: cross-site`). Such a request is refused with 403
 * before any work, unless the page is this server's own (the `Origin` names the `Host` the
 * request was sent to) or an origin allowed by setting (`WEIR_ALLOWED_ORIGINS`). Requests
 * without `Origin` (curl, the CLI, the SDK's Node fetch) are not browser requests and pass.
 * Following a link to the dashboard from another site (a top-level GET navigation) passes too:
 * it sends no `Origin` and changes nothing. Allowed origins get CORS answers so their pages can
 * read the responses.
 */
import type { Context, MiddlewareHandler } from "hono";
import { WeirError } from "../core/weir-error.js";

/** The normalized form of an origin (`HTTPS://Example.com:443/` → `https://example.com`), or null if it is none. */
export function normalizeOrigin(origin: string): string | null {
  const trimmed = origin.trim();
  if (trimmed === "null") return "null";
  try {
    const url = new URL(trimmed);
    if (url.protocol !== "http:" && url.protocol !== "https:") return null;
    return url.origin;
  } catch {
    return null;
  }
}

/** Whether a request comes from a page of another site that is not allowed (see file header). */
export function isForeignBrowserRequest(context: Context, allowedOrigins: ReadonlySet<string>): boolean {
  const origin = context.req.header("origin");
  if (origin !== undefined) {
    const normalized = normalizeOrigin(origin);
    if (normalized === null) return true;
    return !isOwnOrigin(normalized, context) && !allowedOrigins.has(normalized);
  }
  if (context.req.header("sec-fetch-site")?.toLowerCase() !== "cross-site") return false;
  const isNavigation = context.req.header("sec-fetch-mode")?.toLowerCase() === "navigate";
  return !(isNavigation && (context.req.method === "GET" || context.req.method === "HEAD"));
}

/** Middleware refusing foreign browser requests with 403 and answering CORS for allowed origins. */
export function originGuard(allowedOrigins: ReadonlySet<string>): MiddlewareHandler {
  return async (context, next) => {
    if (isForeignBrowserRequest(context, allowedOrigins)) {
      const origin = context.req.header("origin");
      throw new WeirError(
        "FORBIDDEN",
        `cross-site request refused${origin === undefined ? "" : ` from origin '${origin.slice(0, 200)}'`}: add the origin to WEIR_ALLOWED_ORIGINS to let its pages call this server`,
      );
    }
    const origin = context.req.header("origin");
    const allowed = origin === undefined ? null : normalizeOrigin(origin);
    if (allowed === null || !allowedOrigins.has(allowed)) return next();
    // Preflight of an allowed origin: answered here, before any route.
    if (context.req.method === "OPTIONS" && context.req.header("access-control-request-method") !== undefined) {
      return context.body(null, 204, {
        "access-control-allow-origin": allowed,
        "access-control-allow-methods": "GET, HEAD, POST, PUT, PATCH, DELETE",
        "access-control-allow-headers": "authorization, content-type, accept, last-event-id",
        "access-control-max-age": "600",
        vary: "Origin",
      });
    }
    await next();
    context.header("access-control-allow-origin", allowed);
    context.header("vary", "Origin", { append: true });
  };
}

function isOwnOrigin(origin: string, context: Context): boolean {
  if (origin === "null") return false;
  const host = context.req.header("host") ?? new URL(context.req.url).host;
  const url = new URL(origin);
  // A default port is dropped from the origin but may be written in Host.
  const defaultPort = url.protocol === "https:" ? "443" : "80";
  const ownHost = host.trim().toLowerCase();
  return url.host === ownHost || `${url.host}:${defaultPort}` === ownHost;
}
