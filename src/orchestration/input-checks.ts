/**
 * Checks of untrusted input shared by the services: each throws a VALIDATION WeirError naming
 * the bad field, so bad input from any client (in-process or HTTP) gets the same clear answer.
 */
import { MAX_NAME_LENGTH, isWithinLength } from "../core/input-limits.js";
import { MAX_JSON_DEPTH, findTooDeep } from "../core/json-depth.js";
import { STATE_TYPE_OF_NAME, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { storableText } from "../db/storable-text.js";

/** Fail with VALIDATION on one field. */
export function invalid(field: string, message: string): never {
  throw WeirError.validation("input", [{ path: field, message }]);
}

/** A non-empty string (trimmed length > 0) of at most `maxLength` characters, storable (U+0000 as U+FFFD, see src/db/storable-text.ts). */
export function checkName(value: unknown, field: string, maxLength = MAX_NAME_LENGTH): string {
  if (typeof value !== "string" || value.trim() === "") invalid(field, "must be a non-empty string");
  if (!isWithinLength(value, maxLength)) invalid(field, `must be at most ${maxLength} characters`);
  return storableText(value);
}

/** An optional free text (a description): undefined/null stay null; storable (U+0000 as U+FFFD). */
export function checkOptionalText(value: unknown, field: string): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string") invalid(field, "must be a string");
  return storableText(value);
}

/** An ISO-8601 (or any Date-parsable) time, normalized to `toISOString()`. */
export function checkTime(value: unknown, field: string): string {
  if (typeof value !== "string" && !(value instanceof Date)) invalid(field, "must be an ISO-8601 time string");
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) invalid(field, `'${String(value)}' is not a valid time`);
  return time.toISOString();
}

/** An optional time: undefined/null stay null. */
export function checkOptionalTime(value: unknown, field: string): string | null {
  return value === undefined || value === null ? null : checkTime(value, field);
}

/** A list of strings, each storable (U+0000 as U+FFFD). */
export function checkStringList(value: unknown, field: string): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string")) invalid(field, "must be a list of strings");
  return (value as string[]).map(storableText);
}

/** A JSON value nested at most MAX_JSON_DEPTH levels (checked without recursion, see src/core/json-depth.ts). */
export function checkJsonDepth<T>(value: T, field: string): T {
  const tooDeep = findTooDeep(value, field);
  if (tooDeep !== null) invalid(field, `is nested more than ${MAX_JSON_DEPTH} levels deep (at ${tooDeep}); the limit is ${MAX_JSON_DEPTH}`);
  return value;
}

/** A plain JSON object (not an array), nested at most MAX_JSON_DEPTH levels. */
export function checkObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) invalid(field, "must be an object");
  return checkJsonDepth(value as Record<string, unknown>, field);
}

/** A positive integer (≥ `min`). */
export function checkInteger(value: unknown, field: string, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) invalid(field, `must be an integer ≥ ${min}`);
  return value;
}

/** A well-formed state: known name, matching type, id and timestamp (normalized); its result and data nested at most MAX_JSON_DEPTH levels. */
export function checkState(value: unknown, field: string): State {
  if (typeof value !== "object" || value === null) invalid(field, "must be a state object");
  checkJsonDepth(value, field);
  const state = value as Partial<State>;
  if (typeof state.name !== "string" || !Object.hasOwn(STATE_TYPE_OF_NAME, state.name)) {
    invalid(`${field}.name`, `unknown state name '${String(state.name)}'`);
  }
  const type = STATE_TYPE_OF_NAME[state.name];
  if (state.type !== undefined && state.type !== type) invalid(`${field}.type`, `state ${state.name} has type ${type}, not ${String(state.type)}`);
  const id = state.id === undefined ? crypto.randomUUID() : checkName(state.id, `${field}.id`);
  return {
    ...state,
    id,
    type,
    name: state.name,
    timestamp: state.timestamp === undefined ? new Date().toISOString() : checkTime(state.timestamp, `${field}.timestamp`),
    scheduledTime: checkOptionalTime(state.scheduledTime, `${field}.scheduledTime`),
  };
}
