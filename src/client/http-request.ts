/**
 * One REST call of `HttpClient`: builds the request, retries on connection errors within a
 * budget (and on 503 answers for calls safe to repeat, after their `Retry-After`, at most 5 s),
 * and turns error bodies back into the `WeirError` the server raised.
 */
import { isErrorCode, type ErrorCode } from "../core/error-codes.js";
import type { Sleep } from "../core/clock.js";
import { findTooDeep, MAX_JSON_DEPTH } from "../core/json-depth.js";
import { WeirError } from "../core/weir-error.js";
import { encodeQuery, type QueryValues } from "./http-query.js";
import type { HttpFetch, HttpResponse } from "./node-http-fetch.js";

/** A call to make: method, path under `/api`, optional query and JSON body. */
export interface HttpRequest {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  query?: QueryValues;
  body?: unknown;
  /** The body already serialized (takes precedence over `body`). */
  bodyText?: string;
  /** Headers besides accept, authorization and content type. */
  headers?: Record<string, string>;
}

/**
 * How hard to retry on connection errors: `once` retries only when the request surely never
 * reached the server (connection refused); `idempotent` on any connection error; `buffered`
 * like idempotent, but many more times (task-run writes and logs across a server restart).
 */
export type RetryBudget = "once" | "idempotent" | "buffered";

/** What a request needs of the client's options. */
export interface HttpRequestSettings {
  baseUrl: string;
  apiKey: string | undefined;
  /** The fetch requests go through. */
  fetch: HttpFetch;
  sleep: Sleep;
  retries: number;
  bufferedWriteRetries: number;
  /** Besides `retries`: keep retrying a refused connection or a 503 until this much time was spent waiting (a server restart). */
  retryWindowMs: number;
  requestTimeoutMs: number;
}

const MAX_BACKOFF_MS = 1000;

/** Send a request and return its parsed JSON body (undefined for 204). */
export async function sendHttpRequest(
  settings: HttpRequestSettings,
  request: HttpRequest,
  budget: RetryBudget,
  signal: AbortSignal,
): Promise<unknown> {
  const url = `${settings.baseUrl}${request.path}${encodeQuery(request.query)}`;
  const headers: Record<string, string> = { ...request.headers, accept: "application/json" };
  if (settings.apiKey) headers.authorization = `Bearer ${settings.apiKey}`;
  const body = request.bodyText ?? (request.body === undefined ? undefined : serializeBody(request));
  if (body !== undefined) headers["content-type"] = "application/json";
  const retries = budget === "buffered" ? settings.bufferedWriteRetries : settings.retries;
  // Buffered writes keep retrying after close(): losing a batch is worse than a late exit.
  const retrySignal = budget === "buffered" ? undefined : signal;
  let waitedMs = 0;
  // A refused connection or a 503 means the server did no work, so waiting out a restart is safe.
  const mayWaitLonger = (): boolean => waitedMs < settings.retryWindowMs && !retrySignal?.aborted;
  const backOff = async (ms: number): Promise<void> => {
    waitedMs += ms;
    await settings.sleep(ms, retrySignal);
  };
  for (let attempt = 0; ; attempt++) {
    let response: HttpResponse;
    try {
      response = await settings.fetch(url, { method: request.method, headers, body, signal: AbortSignal.timeout(settings.requestTimeoutMs) });
    } catch (cause) {
      if (cause instanceof DOMException && cause.name === "TimeoutError") {
        throw new WeirError("TIMEOUT", `${request.method} ${request.path}: no answer from ${settings.baseUrl} within ${settings.requestTimeoutMs} ms`, { cause });
      }
      const isRefused = isConnectionRefused(cause);
      const canRetry = budget !== "once" || isRefused;
      const hasRetriesLeft = (attempt < retries && !retrySignal?.aborted) || (isRefused && mayWaitLonger());
      if (!canRetry || !hasRetriesLeft) {
        throw new WeirError("UNAVAILABLE", `cannot reach the Weir server at ${settings.baseUrl}: ${describe(cause)}`, { cause });
      }
      await backOff(Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt));
      continue;
    }
    // The server did no work (its database is out of reach): retry where a repeat is harmless.
    if (response.status === 503 && budget !== "once" && ((attempt < retries && !retrySignal?.aborted) || mayWaitLonger())) {
      await response.body?.cancel();
      await backOff(retryAfterMs(response.headers.get("retry-after")) ?? Math.min(MAX_BACKOFF_MS, 50 * 2 ** attempt));
      continue;
    }
    return readResponse(response, request);
  }
}

/** The JSON text of a request body; a value nested too deep for JSON is a VALIDATION error naming where, sent nowhere. */
function serializeBody(request: HttpRequest): string {
  try {
    return JSON.stringify(request.body);
  } catch (cause) {
    const tooDeep = cause instanceof RangeError ? findTooDeep(request.body, "body") : null;
    if (tooDeep === null) throw cause;
    throw new WeirError("VALIDATION", `${request.method} ${request.path}: ${tooDeep} is nested deeper than ${MAX_JSON_DEPTH} levels`, { cause });
  }
}

const MAX_RETRY_AFTER_MS = 5000;

// Only the seconds form; a date or nonsense falls back to the usual backoff.
function retryAfterMs(header: string | null): number | undefined {
  if (header === null || !/^\d+$/.test(header.trim())) return undefined;
  return Math.min(MAX_RETRY_AFTER_MS, Number(header.trim()) * 1000);
}

async function readResponse(response: HttpResponse, request: HttpRequest): Promise<unknown> {
  if (response.status === 204) return undefined;
  const text = await response.text();
  let parsed: unknown = undefined;
  try {
    parsed = text === "" ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (response.ok) {
    if (parsed === undefined && text !== "") {
      throw new WeirError("INTERNAL", `${request.method} ${request.path}: the server answered with a body that is not JSON`);
    }
    return parsed;
  }
  throw errorFromResponse(response.status, parsed, `${request.method} ${request.path}`);
}

/** Rebuild the WeirError of an error response (`{ error: { code, message, details } }`). */
export function errorFromResponse(status: number, body: unknown, what: string): WeirError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | undefined)?.error;
  if (error && isErrorCode(error.code) && typeof error.message === "string") {
    const details = typeof error.details === "object" && error.details !== null ? (error.details as Record<string, unknown>) : undefined;
    return new WeirError(error.code, error.message, details ? { details } : {});
  }
  return new WeirError(codeOfStatus(status), `${what}: HTTP ${status}`);
}

function codeOfStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return "BAD_REQUEST";
    case 401:
      return "UNAUTHORIZED";
    case 403:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    case 413:
      return "PAYLOAD_TOO_LARGE";
    case 415:
      return "UNSUPPORTED_MEDIA_TYPE";
    case 421:
      return "MISDIRECTED_REQUEST";
    case 422:
      return "VALIDATION";
    case 503:
      return "UNAVAILABLE";
    case 504:
      return "TIMEOUT";
    default:
      return "INTERNAL";
  }
}

function isConnectionRefused(error: unknown): boolean {
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  return cause?.code === "ECONNREFUSED";
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | undefined)?.cause;
  if (typeof cause?.code === "string") return cause.code;
  return error instanceof Error ? error.message : String(error);
}
