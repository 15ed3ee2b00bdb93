/**
 * The limits that input checks apply, in one place: the service layer's checks
 * (src/orchestration/input-checks.ts and its neighbours) and the HTTP request schemas that the
 * OpenAPI document is rendered from (src/server/schemas) both read them, so the document cannot
 * promise more than the checks accept. Patterns are written so that ECMAScript and Python read
 * them alike (schemathesis generates values from them with Python's `re`).
 */

/** Longest name, id or key a client may send (run names, flow names, tags, ids, …). */
export const MAX_NAME_LENGTH = 500;

/** Longest deployment `path` (a folder on the worker's machine). */
export const MAX_PATH_LENGTH = 4000;

/**
 * The characters `String.prototype.trim` removes: ECMAScript's WhiteSpace and LineTerminator
 * (TAB, VT, FF, SP, NBSP, the Zs space separators, ZWNBSP) and LF, CR, LS, PS.
 */
const TRIMMED_CHARACTERS = "\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff";

/** A pattern (unanchored) that a name matches when it is not blank: some character `trim()` keeps. */
export const NON_BLANK_PATTERN = `[^${TRIMMED_CHARACTERS}]`;

/** A name that is not blank and has no `/` (flow and deployment names, which `flow/deployment` joins). */
export const NON_BLANK_WITHOUT_SLASH_PATTERN = `^[^/]*[^/${TRIMMED_CHARACTERS}][^/]*$`;

/** A variable name: letters, digits, `_`, `-` and `.`. */
export const VARIABLE_NAME_PATTERN = "^[A-Za-z0-9_.-]+$";

/** Longest result key. */
export const MAX_RESULT_KEY_LENGTH = 200;

/** A result key: starts with a letter or digit, then letters, digits, `.`, `_`, `-`, never two dots in a row. */
export const RESULT_KEY_PATTERN = "^[A-Za-z0-9](?:\\.?[A-Za-z0-9_-])*\\.?$";

/** The work pool types a server runs (a pool's `type`). */
export const WORK_POOL_TYPES = ["process"] as const;

/** Shortest interval of an interval schedule, in seconds (one millisecond; intervals are kept to whole milliseconds). */
export const MIN_INTERVAL_SECONDS = 0.001;

/** Longest interval of an interval schedule, in seconds (100 years: its slots stay within JavaScript's dates). */
export const MAX_INTERVAL_SECONDS = 3_155_760_000;

/** Largest concurrency limit (of a pool, queue, deployment or tag); a 32-bit column holds it on every database. */
export const MAX_CONCURRENCY_LIMIT = 1_000_000;

/** Largest (lowest) work queue priority. */
export const MAX_QUEUE_PRIORITY = 1_000_000;

/** Longest lease of concurrency slots, in seconds (a holder renews before it ends). */
export const MAX_LEASE_SECONDS = 86_400;

/** Longest heartbeat interval a worker or run may announce, in seconds. */
export const MAX_HEARTBEAT_INTERVAL_SECONDS = 86_400;

/**
 * Whether `text` has at most `max` characters, counted in code points as JSON Schema's
 * `maxLength` counts them (an astral character is one, though it is two UTF-16 units).
 */
export function isWithinLength(text: string, max: number): boolean {
  if (text.length <= max) return true;
  if (text.length > 2 * max) return false;
  let count = 0;
  for (const _ of text) if (++count > max) return false;
  return true;
}
