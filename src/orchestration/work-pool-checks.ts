/** Checks of work pool and queue input shared by the pool, deployment and claim services. */
import { storableText } from "../db/storable-text.js";
import { checkInteger, invalid } from "./input-checks.js";

/** A concurrency limit: null/undefined (none) or an integer ≥ 0. */
export function checkConcurrencyLimit(value: unknown, field: string): number | null {
  if (value === undefined || value === null) return null;
  return checkInteger(value, field, 0);
}

/** A queue priority: an integer ≥ 1 (1 = highest). */
export function checkPriority(value: unknown, field: string): number {
  if (value === undefined) return 1;
  return checkInteger(value, field, 1);
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
