/**
 * The Hono app of the Weir server: the browser guards (Host, Origin, JSON bodies), auth, body
 * limit, request parsing against the route schemas, the routes of every resource, the OpenAPI
 * document, and (optionally) the dashboard. HTTP-free in itself: tests call `app.request()`
 * without sockets (their URLs name `localhost`, which the Host guard always serves).
 */
import { Hono, type Context } from "hono";
import type { z } from "zod";
import { systemClock, type Clock } from "../core/clock.js";
import { WeirError, type FieldIssue } from "../core/weir-error.js";
import { isSameKey, presentedKey } from "./api-key-check.js";
import { bodySizeLimit } from "./body-size-limit.js";
import { DatabaseOutageMonitor } from "./database-outage.js";
import { errorResponse, type ErrorLogger } from "./error-response.js";
import { hostGuard, type AllowedHosts } from "./host-guard.js";
import { jsonBodyGuard } from "./json-body-guard.js";
import { mountMetricsEndpoint, requestTiming } from "./metrics-endpoint.js";
import { buildOpenApiDocument } from "./openapi-document.js";
import { normalizeOrigin, originGuard } from "./origin-guard.js";
import { createTemplateMatcher } from "./path-templates.js";
import { requestSpans } from "./request-spans.js";
import type { WeirTracing } from "../core/tracing/weir-tracing.js";
import { isBodyOptional, pathParametersSchemaOf, type AnyRouteDefinition, type RouteDependencies } from "./route-registry.js";
import { allRoutes } from "./routes/all-routes.js";
import { DEFAULT_MAX_RESULT_BYTES, resultBodyLimit, tooLarge } from "./routes/result-routes.js";
import type { ServerMetrics } from "./server-metrics.js";
import { serveStaticUi } from "./static-ui.js";

/** Options of `createApp`. */
export interface CreateAppOptions extends RouteDependencies {
  /** Required as `Authorization: Bearer` on every route but health and ready. @default undefined (open) */
  apiKey?: string;
  /** Largest accepted request body in bytes. @default 10485760 (10 MB) */
  maxBodyBytes?: number;
  /** Folder of the built dashboard served at `/`; null serves no dashboard. @default null */
  uiDir?: string | null;
  /** Largest result the `server` result store accepts, in bytes. @default 67108864 (64 MiB) */
  maxResultBytes?: number;
  /** Where unexpected errors are logged. @default console.error */
  logError?: ErrorLogger;
  /** Where the start and end of a database outage are logged (one line each). @default console.error */
  log?: (line: string) => void;
  /** The clock that times outages. @default systemClock */
  clock?: Clock;
  /** Host names served besides the loopback names (`localhost`, `127.0.0.1`, `[::1]`); `"any"` turns the Host check off. @default [] */
  allowedHosts?: AllowedHosts;
  /** Browser origins, besides the server's own, whose pages may call the API (they get CORS answers). @default [] */
  allowedOrigins?: readonly string[];
  /** Whether job variables may change how a run's process starts (`NODE_OPTIONS`, …). @default true with an API key, else false */
  allowsProcessEnv?: boolean;
  /** True once the server is shutting down: answers then ask clients to hang up. @default never */
  isClosing?: () => boolean;
  /** Serve `GET /metrics` and time every request into them (server-metrics.ts). @default none */
  metrics?: ServerMetrics;
  /** A span per request (request-spans.ts); startServer passes one when OTEL_EXPORTER_OTLP_ENDPOINT is set. @default null (no spans) */
  tracing?: WeirTracing | null;
}

/** The app and the routes it serves (for the OpenAPI document and route tests). */
export interface WeirApp {
  app: Hono;
  routes: readonly AnyRouteDefinition[];
}

/** Build the app (see file header). */
export function createApp(options: CreateAppOptions): WeirApp {
  const logError = options.logError ?? ((message, error) => console.error(`weir server: ${message}:`, error));
  const maxBodyBytes = options.maxBodyBytes ?? 10 * 1024 * 1024;
  if (!Number.isInteger(maxBodyBytes) || maxBodyBytes <= 0) {
    throw new WeirError("VALIDATION", `maxBodyBytes: expected a positive integer, got ${maxBodyBytes}`);
  }
  const apiKey = options.apiKey || undefined;
  const routes = allRoutes({ ...options, allowsProcessEnv: options.allowsProcessEnv ?? apiKey !== undefined });
  const allowedOrigins = compileAllowedOrigins(options.allowedOrigins ?? []);
  const clock = options.clock ?? systemClock;
  const outages = new DatabaseOutageMonitor({
    log: options.log ?? ((line) => console.error(`weir server: ${line}`)),
    isReady: () => options.isReady(),
    now: () => clock.now().getTime(),
  });
  const templateOf = createTemplateMatcher([...routes.map((route) => route.path), "/api/openapi.json"]);
  const app = new Hono();
  app.onError((error) => errorResponse(error, logError, outages));
  if (options.tracing) app.use(requestSpans(options.tracing, templateOf));
  if (options.metrics) app.use(requestTiming(options.metrics, templateOf));
  const isClosing = options.isClosing;
  if (isClosing) {
    // Keep-alive clients would otherwise be served through the whole grace period of a shutdown.
    app.use(async (context, next) => {
      await next();
      if (isClosing()) context.header("connection", "close");
    });
  }
  // Before any work, on every route (the dashboard and its files too): DNS rebinding, then cross-site pages.
  app.use(hostGuard(options.allowedHosts ?? []));
  app.use(originGuard(allowedOrigins));
  app.use("/api/*", async (context, next) => {
    await next();
    if (context.res.status < 500) outages.noteAnswered();
  });

  app.use("/api/*", async (context, next) => {
    if (!apiKey) return next();
    const route = routes.find((candidate) => candidate.isPublic && context.req.path === candidate.path);
    if (route) return next();
    const key = presentedKey(context, context.req.path === "/api/events");
    if (key === undefined || !isSameKey(key, apiKey)) {
      throw new WeirError("UNAUTHORIZED", "missing or wrong API key: send 'Authorization: Bearer <key>'");
    }
    return next();
  });
  app.use("/api/*", jsonBodyGuard());
  const maxResultBytes = options.maxResultBytes ?? DEFAULT_MAX_RESULT_BYTES;
  const generalLimit = bodySizeLimit(maxBodyBytes, () => errorResponse(new WeirError("PAYLOAD_TOO_LARGE", `request body over ${maxBodyBytes} bytes`), logError));
  // Results have their own limit (WEIR_RESULT_MAX_BYTES), on their bytes rather than their base64.
  const resultLimit = bodySizeLimit(resultBodyLimit(maxResultBytes), () => errorResponse(tooLarge(null, maxResultBytes), logError));
  app.use("/api/*", (context, next) => (context.req.method === "PUT" && context.req.path.startsWith("/api/results/") ? resultLimit : generalLimit)(context, next));

  let openApi: unknown;
  app.get("/api/openapi.json", (context) => context.json((openApi ??= buildOpenApiDocument(routes))));
  for (const route of routes) {
    const paramsSchema = pathParametersSchemaOf(route);
    app.on(route.method, route.path, async (context, next) => {
      // A more specific template owns this path (`/api/flow-runs/count` is not the run 'count').
      if (templateOf(context.req.path) !== route.path) return next();
      const params = parseWith(paramsSchema, context.req.param(), "path");
      const body = route.body ? parseBody(route, await readJsonBody(context, isBodyOptional(route))) : undefined;
      const query = route.query ? parseWith(route.query, context.req.query(), "query string") : undefined;
      const result = await route.handle({ params, body, query, context } as never);
      if (result instanceof Response) return result;
      if (result === undefined) return context.body(null, 204);
      return context.json(result as object);
    });
  }
  const allowedMethods = allowedMethodsOf([...routes, { method: "GET", path: "/api/openapi.json" }], templateOf);
  app.all("/api/*", (context) => {
    const allowed = allowedMethods(context.req.path);
    if (allowed.length > 0 && !allowed.includes(context.req.method)) {
      const refusal = new WeirError("METHOD_NOT_ALLOWED", `${context.req.method} is not allowed on ${context.req.path}; allowed: ${allowed.join(", ")}`, { details: { allow: allowed } });
      const response = errorResponse(refusal, logError);
      response.headers.set("allow", allowed.join(", "));
      return response;
    }
    throw new WeirError("NOT_FOUND", `no route ${context.req.method} ${context.req.path}`);
  });
  if (options.metrics) mountMetricsEndpoint(app, options.metrics, apiKey);
  if (options.uiDir !== undefined && options.uiDir !== null) serveStaticUi(app, options.uiDir);
  return { app, routes };
}

/** The methods the routes of a concrete path's template answer (HEAD along with GET, as Hono serves it). */
function allowedMethodsOf(routes: readonly { method: string; path: string }[], templateOf: (path: string) => string | null): (path: string) => string[] {
  return (path) => {
    const template = templateOf(path);
    const methods = new Set(routes.filter((route) => route.path === template).map(({ method }) => method));
    if (methods.has("GET")) methods.add("HEAD");
    return [...methods].sort();
  };
}

function compileAllowedOrigins(origins: readonly string[]): ReadonlySet<string> {
  return new Set(
    origins.map((origin) => {
      const normalized = normalizeOrigin(origin);
      if (normalized === null) throw new WeirError("VALIDATION", `allowed origin '${origin}': expected scheme://host[:port], e.g. https://app.example.com`);
      return normalized;
    }),
  );
}

async function readJsonBody(context: Context, isOptional: boolean): Promise<unknown> {
  const text = await context.req.text();
  // No body at all stands for `{}` where the body is optional; white space alone is not JSON (400).
  if (text === "" && isOptional) return {};
  if (text.trim() === "" && !isOptional) throw WeirError.validation("request body", [{ path: "", message: "required: send a JSON object" }]);
  try {
    return JSON.parse(text);
  } catch (cause) {
    throw new WeirError("BAD_REQUEST", `malformed JSON body: ${(cause as Error).message}`, { cause });
  }
}

function parseBody(route: AnyRouteDefinition, value: unknown): unknown {
  return route.acceptsBodyAsIs?.(value) ? value : parseWith(route.body!, value, "request body");
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issue.path.map(String).join("."),
    message: issue.message,
  }));
  throw WeirError.validation(what, issues);
}
