/**
 * JSON columns: TEXT on SQLite, jsonb on PostgreSQL. Both dialects are configured to exchange
 * them as JSON text (the pg pool's jsonb parser is the identity), so one pair of helpers serves.
 * Text written here is storable on both engines (see src/db/storable-text.ts).
 */
import { MAX_JSON_DEPTH } from "../core/json-depth.js";
import { WeirError } from "../core/weir-error.js";
import { storableJsonText } from "./storable-text.js";

/**
 * `JSON.stringify(value)` made storable on both engines (U+0000 and lone surrogates become
 * U+FFFD). A value nested so deep that serializing it overflows the stack is a VALIDATION error
 * (services check MAX_JSON_DEPTH first, with the field's name; this is the last guard).
 */
export function toJsonText(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    throw WeirError.validation("input", [{ path: "", message: `a value is nested too deeply to store (the limit is ${MAX_JSON_DEPTH} levels)` }]);
  }
  return storableJsonText(text);
}

/** Serialize a value for a JSON column. */
export function toJsonColumn(value: unknown): string {
  return toJsonText(value ?? null);
}

/** Serialize a value for a nullable JSON column (null and undefined stay SQL NULL). */
export function toNullableJsonColumn(value: unknown): string | null {
  return value === null || value === undefined ? null : toJsonText(value);
}

/** Parse a JSON column read from either dialect. */
export function fromJsonColumn<T>(text: string | null): T {
  return (text === null ? null : JSON.parse(text)) as T;
}
