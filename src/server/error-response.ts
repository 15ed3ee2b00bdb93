/**
 * The one place where errors become HTTP responses: a `WeirError` answers with the status of its
 * code (src/core/error-codes.ts) and its `{ error: { code, message, details } }` body; an error
 * caused by the database being out of reach is UNAVAILABLE 503 (src/server/database-outage.ts);
 * anything else is an INTERNAL 500 whose details stay in the server log. Every 503 carries
 * `Retry-After`.
 */
import { httpStatusOf } from "../core/error-codes.js";
import { isWeirError, WeirError } from "../core/weir-error.js";
import { databaseOutageReason, OUTAGE_RETRY_AFTER_SECONDS, type DatabaseOutageMonitor } from "./database-outage.js";

/** Logs an unexpected error (never request headers, so never the API key). */
export type ErrorLogger = (message: string, error: unknown) => void;

/** The JSON response for an error thrown while handling a request; `outages` hears of database outages. */
export function errorResponse(error: unknown, logError: ErrorLogger, outages?: DatabaseOutageMonitor): Response {
  const weirError = toWeirError(error, outages);
  if (weirError.code === "INTERNAL") logError("unexpected error while handling a request", error);
  const status = httpStatusOf(weirError.code);
  const headers: Record<string, string> = { "content-type": "application/json; charset=utf-8" };
  if (status === 503) headers["retry-after"] = String(OUTAGE_RETRY_AFTER_SECONDS);
  return new Response(JSON.stringify(weirError.toJSON()), { status, headers });
}

function toWeirError(error: unknown, outages: DatabaseOutageMonitor | undefined): WeirError {
  if (isWeirError(error) && error.code !== "INTERNAL") return error;
  const reason = databaseOutageReason(error);
  if (reason !== null) {
    outages?.noteFailure(reason);
    return new WeirError("UNAVAILABLE", "the database is unavailable; retry later", { cause: error });
  }
  if (isWeirError(error)) return error;
  return new WeirError("INTERNAL", "internal server error", { cause: error });
}
