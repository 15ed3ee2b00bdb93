/**
 * A quick check of `POST /api/task-runs/batch` bodies, the server's hottest request: a flow of
 * 400 quick tasks sends one batch of 400 writes, and zod spent ~5 µs a write on it (a fifth of
 * the server's time for that request). This check accepts the shapes the SDK sends, in a tenth
 * of that, and says "not sure" to anything else, which the route's zod schema then decides
 * (with its error messages). So it must never accept a body that `writeTaskRunsSchema` rejects,
 * or one that zod would change: unknown keys (zod strips them), a stored error (rarer, and
 * nested), a timestamp not in `Date.toISOString()` form, an own
 * `__proto__` key. `test/server/task-run-batch-check.test.ts` compares both on generated bodies.
 */
import { MAX_NAME_LENGTH, MAX_RESULT_KEY_LENGTH, NON_BLANK_PATTERN, isWithinLength } from "../../core/input-limits.js";
import { STATE_TYPE_OF_NAME, type StateName } from "../../core/states.js";
import { MAX_RESULT_STORE_URL_LENGTH, MAX_RETRIES, MAX_RETRY_DELAYS, MAX_SERIALIZER_NAME_LENGTH } from "./common-schemas.js";
import { MAX_TASK_RUN_KEY_LENGTH, MAX_TASK_RUN_WRITES } from "./task-run-schemas.js";

const NON_BLANK = new RegExp(NON_BLANK_PATTERN, "u");
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

const WRITE_KEYS = new Set(["id", "flowRunId", "name", "taskKey", "dynamicKey", "tags", "inputs", "cacheKey", "cacheExpiration", "retryPolicy", "subflowRunId", "states"]);
const STATE_KEYS = new Set(["id", "type", "name", "timestamp", "message", "scheduledTime", "result", "error", "details"]);
const RETRY_KEYS = new Set(["retries", "retryDelaySeconds"]);

/** Whether `body` is a batch `writeTaskRunsSchema` accepts as it is (false: let the schema decide). */
export function isPlainTaskRunBatch(body: unknown): body is { writes: unknown[] } {
  if (!isPlainObject(body) || !hasOnlyKeys(body, ONLY_WRITES)) return false;
  const { writes } = body;
  if (!Array.isArray(writes) || writes.length > MAX_TASK_RUN_WRITES) return false;
  for (const write of writes) if (!isPlainWrite(write)) return false;
  return true;
}

const ONLY_WRITES = new Set(["writes"]);

function isPlainWrite(write: unknown): boolean {
  if (!isPlainObject(write) || !hasOnlyKeys(write, WRITE_KEYS)) return false;
  if (!isName(write.id) || !isName(write.name) || !isName(write.taskKey)) return false;
  if (write.flowRunId !== null && !isName(write.flowRunId)) return false;
  if (!isShortText(write.dynamicKey)) return false;
  if (write.tags !== undefined && !(Array.isArray(write.tags) && write.tags.every(isName))) return false;
  if (!isAbsentOr(write.inputs, isJsonObject)) return false;
  if (!isAbsentOr(write.cacheKey, isShortText) || !isAbsentOr(write.cacheExpiration, isTimestamp)) return false;
  if (write.retryPolicy !== undefined && !isRetryPolicy(write.retryPolicy)) return false;
  if (!isAbsentOr(write.subflowRunId, isName)) return false;
  const { states } = write;
  if (!Array.isArray(states)) return false;
  for (const state of states) if (!isPlainState(state)) return false;
  return true;
}

function isPlainState(state: unknown): boolean {
  if (!isPlainObject(state) || !hasOnlyKeys(state, STATE_KEYS)) return false;
  if (!isName(state.id) || !isTimestamp(state.timestamp)) return false;
  const { type, name } = state;
  if (typeof name !== "string" || !Object.hasOwn(STATE_TYPE_OF_NAME, name) || STATE_TYPE_OF_NAME[name as StateName] !== type) return false;
  if (!isAbsentOr(state.message, (value) => typeof value === "string")) return false;
  if (!isAbsentOr(state.scheduledTime, isTimestamp) || !isAbsentOr(state.details, isJsonObject)) return false;
  // Stored errors are left to the schema.
  return isAbsentOr(state.result, isResultRef) && (state.error === undefined || state.error === null);
}

const INLINE_KEYS = new Set(["kind", "value"]);
const STORED_KEYS = new Set(["kind", "storageKey", "serializer", "store"]);

// `resultRefSchema`: an inline value (present, any JSON), or a stored result's key and serializer.
function isResultRef(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  if (value.kind === "inline") return hasOnlyKeys(value, INLINE_KEYS) && Object.hasOwn(value, "value");
  if (value.kind !== "stored" || !hasOnlyKeys(value, STORED_KEYS)) return false;
  const { storageKey, serializer, store } = value;
  return typeof storageKey === "string" && storageKey.length <= MAX_RESULT_KEY_LENGTH && typeof serializer === "string" && serializer.length >= 1 && serializer.length <= MAX_SERIALIZER_NAME_LENGTH && (store === undefined || (typeof store === "string" && store.length <= MAX_RESULT_STORE_URL_LENGTH));
}

function isRetryPolicy(value: unknown): boolean {
  if (!isPlainObject(value) || !hasOnlyKeys(value, RETRY_KEYS)) return false;
  const { retries, retryDelaySeconds: delays } = value;
  if (retries !== undefined && !(Number.isInteger(retries) && (retries as number) >= 0 && (retries as number) <= MAX_RETRIES)) return false;
  if (delays === undefined) return true;
  return Array.isArray(delays) && delays.length <= MAX_RETRY_DELAYS && delays.every((delay) => typeof delay === "number" && Number.isFinite(delay) && delay >= 0);
}

// Absent (undefined), null, or a value `check` accepts: the schema's `.nullable().optional()`.
function isAbsentOr(value: unknown, check: (value: unknown) => boolean): boolean {
  return value === undefined || value === null || check(value);
}

function isName(value: unknown): boolean {
  return typeof value === "string" && isWithinLength(value, MAX_NAME_LENGTH) && NON_BLANK.test(value);
}

// `z.string().max(MAX_TASK_RUN_KEY_LENGTH)`: counted in UTF-16 units, as zod counts.
function isShortText(value: unknown): boolean {
  return typeof value === "string" && value.length <= MAX_TASK_RUN_KEY_LENGTH;
}

// Only the form `Date.toISOString()` gives, of a real date and time (no month 13, no 30 February,
// no hour 24): digits read by position, as Date.parse and toISOString cost a third of this check.
function isTimestamp(value: unknown): boolean {
  if (typeof value !== "string" || !ISO_UTC.test(value)) return false;
  const year = digits(value, 0, 4);
  const month = digits(value, 5, 2);
  const day = digits(value, 8, 2);
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month) && digits(value, 11, 2) < 24 && digits(value, 14, 2) < 60 && digits(value, 17, 2) < 60;
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let index = start; index < start + count; index += 1) value = value * 10 + text.charCodeAt(index) - 48;
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

// A JSON object as JSON.parse makes it, without an own `__proto__` (which zod's record drops).
function isJsonObject(value: unknown): boolean {
  return isPlainObject(value) && !Object.hasOwn(value, "__proto__");
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype;
}

function hasOnlyKeys(value: Record<string, unknown>, allowed: ReadonlySet<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}
