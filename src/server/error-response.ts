/**
 * The one place where errors become HTTP responses: a `WeirError` answers with the status of its
 * code (src/core/error-codes.ts) and its `{ error: { code, message, details } }` body; anything
 * else is an INTERNAL 500 whose details stay in the server log.
 */
import { httpStatusOf } from "../core/error-codes.js";
import { isWeirError, WeirError } from "../core/weir-error.js";

/** Logs an unexpected error (never request headers, so never the API key). */
export type ErrorLogger = (message: string, error: unknown) => void;

/** The JSON response for an error thrown while handling a request. */
export function errorResponse(error: unknown, logError: ErrorLogger): Response {
  const weirError = toWeirError(error);
  if (weirError.code === "INTERNAL") logError("unexpected error while handling a request", error);
  return new Response(JSON.stringify(weirError.toJSON()), {
    status: httpStatusOf(weirError.code),
    headers: { "content-type": "application/json; charset=utf-8" },
  });
}

function toWeirError(error: unknown): WeirError {
  if (isWeirError(error)) return error;
  return new WeirError("INTERNAL", "internal server error", { cause: error });
}
