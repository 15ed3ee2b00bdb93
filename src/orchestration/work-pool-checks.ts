/** Checks of work pool and queue input shared by the pool, deployment and claim services. */
import { MAX_CONCURRENCY_LIMIT, MAX_QUEUE_PRIORITY } from "../core/input-limits.js";
import { storableText } from "../db/storable-text.js";
import { checkInteger, invalid } from "./input-checks.js";

/** A concurrency limit: null/undefined (none) or an integer from 0 to MAX_CONCURRENCY_LIMIT. */
export function checkConcurrencyLimit(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  const limit = checkInteger(value, field, 0);
  if (limit > MAX_CONCURRENCY_LIMIT) invalid(field, `must be at most ${MAX_CONCURRENCY_LIMIT}`);
  return limit;
}

/** A queue priority: an integer ≥ 1 (1 = highest). */
export function checkPriority(value: unknown, field: string): number {
  if (value === undefined) return 1;
  const priority = checkInteger(value, field, 1);
  if (priority > MAX_QUEUE_PRIORITY) invalid(field, `must be at most ${MAX_QUEUE_PRIORITY}`);
  return priority;
}

/** An optional boolean flag. */
export function checkOptionalBoolean(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") invalid(field, "must be true or false");
  return value;
}

/** An optional description: string or null. */
export function checkDescription(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") invalid(field, "must be a string");
  return storableText(value);
}
