import type { StoredError } from "../core/states.js";
import { NonRetryableError } from "./non-retryable-error.js";
import { redactSecretsDeep } from "./secret-redaction.js";

/** Turn anything thrown into the StoredError kept in a FAILED state (name, message, stack, cause). */
export function toStoredError(error: unknown, depth = 0): StoredError {
  return redactSecretsDeep(toPlainStoredError(error, depth));
}

function toPlainStoredError(error: unknown, depth: number): StoredError {
  if (error instanceof Error) {
    const stored: StoredError = { name: error.name, message: error.message };
    if (error.stack !== undefined) stored.stack = error.stack;
    if (error.cause !== undefined && depth < 5) stored.cause = toPlainStoredError(error.cause, depth + 1);
    if (error instanceof NonRetryableError) stored.isRetryable = false;
    return stored;
  }
  return { name: typeof error, message: safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** An Error rebuilt from a StoredError (for a failure read back from the store). */
export function fromStoredError(stored: StoredError): Error {
  const error = new Error(stored.message, stored.cause ? { cause: fromStoredError(stored.cause) } : undefined);
  error.name = stored.name;
  if (stored.stack !== undefined) error.stack = stored.stack;
  return error;
}
