/**
 * The route registry: every REST route is declared once with `defineRoute` (method, path,
 * operation id, request schemas, response schema, summary, handler). The app mounts the routes
 * from it and the OpenAPI document is generated from the same declarations, so the two never
 * drift apart; the handler's result is type-checked against the declared response schema.
 */
import type { Context } from "hono";
import { z } from "zod";
import type { Orchestration } from "../orchestration/create-orchestration.js";
import type { LiveEventFilter, WeirEvent } from "../core/models.js";
import { nameSchema } from "./schemas/common-schemas.js";

/** HTTP methods the API uses. */
export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/** The orchestration the routes call (STORE's `Orchestration` fits it). */
export type ServedOrchestration = Orchestration;

/** A source of live events for the stream route. */
export type EventSubscriber = (signal: AbortSignal, filter: LiveEventFilter) => AsyncIterable<WeirEvent>;

/** What the route handlers may use. */
export interface RouteDependencies {
  orchestration: ServedOrchestration;
  subscribe: EventSubscriber;
  /** Whether the database answers (for `/api/ready`). */
  isReady(): Promise<boolean>;
  /** Whether job variables may change how a run's process starts (`NODE_OPTIONS`, …; src/server/process-env-guard.ts). @default false */
  allowsProcessEnv?: boolean;
  /** Largest result the `server` result store accepts, in bytes (src/server/routes/result-routes.ts). @default 67108864 (64 MiB) */
  maxResultBytes?: number;
}

/** The parsed request a handler receives. */
export interface RouteInput<B, Q> {
  params: Record<string, string>;
  body: B;
  query: Q;
  context: Context;
}

/**
 * One route: what it accepts, what it answers, what it does. A returned `undefined` becomes
 * 204 No Content, a Response passes as is, anything else is the 200 JSON body.
 */
export interface RouteDefinition<B = unknown, Q = unknown, R = unknown> {
  method: HttpMethod;
  /** Hono-style path under the server root, e.g. `/api/flow-runs/:id`. */
  path: string;
  /** Unique, stable name of the operation in the OpenAPI document (a generated client's method name). */
  operationId: string;
  summary: string;
  /** Schemas of path parameters that are not names (`nameSchema`), by parameter name. @default {} */
  params?: Record<string, z.ZodType<string, string>>;
  /** Schema of the JSON body; without it the body is ignored. */
  body?: z.ZodType<B>;
  /**
   * A quick check of the hottest bodies: true only for a body `body` accepts unchanged (then it is
   * used as it is); false leaves it to `body`, which also words the errors.
   */
  acceptsBodyAsIs?: (value: unknown) => boolean;
  /** Schema of the query-string object (string values in). */
  query?: z.ZodType<Q>;
  /**
   * Schema of the 200 JSON body; `null` when the route answers 204 No Content. For a stream
   * route, the schema of each event's `data:` JSON.
   */
  response: z.ZodType<R> | null;
  /** Answers without the API key (health and readiness only). @default false */
  isPublic?: boolean;
  /** Answers with a Server-Sent Events stream instead of JSON. @default false */
  isStream?: boolean;
  handle(input: RouteInput<B, Q>): Promise<NoInfer<R> | Response>;
}

/** A route with its types erased, as the registry stores it. */
export type AnyRouteDefinition = RouteDefinition<never, never, unknown>;

/** Declare a route (identity with type inference for body, query and response; with `response: null` the handler returns nothing). */
export function defineRoute<B = undefined, Q = Record<string, string>, R = void>(route: RouteDefinition<B, Q, R>): AnyRouteDefinition {
  return route as unknown as AnyRouteDefinition;
}

/** The status of a route's successful answer: 204 when it declares no response body, else 200. */
export function successStatusOf(route: AnyRouteDefinition): 200 | 204 {
  return route.response === null && !route.isStream ? 204 : 200;
}

/** Path parameter names of a Hono-style path (`/a/:id/b/:x` → `["id", "x"]`). */
export function pathParameterNames(path: string): string[] {
  return [...path.matchAll(/:([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? "");
}

/**
 * The schema of a route's path parameters: each is a name (non-blank, at most MAX_NAME_LENGTH
 * characters, as the service layer's `checkName` takes ids and names) unless the route says otherwise.
 */
export function pathParametersSchemaOf(route: AnyRouteDefinition): z.ZodObject<Record<string, z.ZodType<string, string>>> {
  return z.object(Object.fromEntries(pathParameterNames(route.path).map((name) => [name, route.params?.[name] ?? nameSchema])));
}

/** An OpenAPI path template of a Hono-style path (`/a/:id` → `/a/{id}`). */
export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

/**
 * Whether a route may be called without a body: a POST whose body schema accepts `{}` (an action
 * whose options all have defaults, e.g. cancel). PUT and PATCH always need one.
 */
export function isBodyOptional(route: AnyRouteDefinition): boolean {
  return route.body !== undefined && route.method === "POST" && route.body.safeParse({}).success;
}
