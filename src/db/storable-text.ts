/**
 * What Weir stores for characters a database cannot keep. PostgreSQL refuses U+0000 in text and
 * in jsonb (`\u0000`), and jsonb refuses lone UTF-16 surrogates (`\ud800`); SQLite keeps both.
 * So that the same input gives the same outcome on both engines, and one bad character never
 * costs a write, Weir stores U+FFFD (the replacement character, `\uFFFD`) in their place on both:
 * - in text parameters: every U+0000 and every lone surrogate (left alone, PostgreSQL's driver
 *   would store one U+FFFD for it and SQLite's three);
 * - in JSON text: every `\u0000` escape and every lone surrogate escape, in keys and values.
 * The drivers apply the first to every statement (reads too, so a lookup by a name that held a
 * NUL finds what was stored); code that writes JSON text applies the second (src/db/json-column.ts).
 */

// ES2024 string methods (Node 20 has them; the TypeScript lib here stops at ES2023).
interface WellFormedString {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/** The character stored in place of one that cannot be stored. */
export const REPLACEMENT_CHARACTER = "\uFFFD";

/** `text` with every U+0000 and every lone surrogate replaced by U+FFFD. */
export function storableText(text: string): string {
  const wellFormed = (text as unknown as WellFormedString).isWellFormed() ? text : (text as unknown as WellFormedString).toWellFormed();
  return wellFormed.includes("\u0000") ? wellFormed.replaceAll("\u0000", REPLACEMENT_CHARACTER) : wellFormed;
}

// A `\u0000` or lone-surrogate escape that is one (preceded by an even run of backslashes, so not
// the text `\\u0000`). `JSON.stringify` writes a surrogate pair as the characters themselves, so
// any surrogate escape in its output is a lone one.
const UNSTORABLE_ESCAPE = /(?<!\\)((?:\\\\)*)\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;

/** JSON text (as `JSON.stringify` writes it) with `\u0000` and lone surrogate escapes replaced by `\ufffd`. */
export function storableJsonText(json: string): string {
  return json.includes("\\u") ? json.replace(UNSTORABLE_ESCAPE, "$1\\ufffd") : json;
}

/**
 * Statement parameters with `storableText` applied to each string, also inside array parameters
 * (the same array when nothing changes).
 */
export function storableParameters<T>(values: readonly T[]): T[] {
  let out: T[] | null = null;
  for (let index = 0; index < values.length; index += 1) {
    const value = values[index];
    let stored: unknown = value;
    if (typeof value === "string") stored = storableText(value);
    else if (Array.isArray(value)) stored = storableParameters(value);
    if (stored === value) continue;
    out ??= [...values];
    out[index] = stored as T;
  }
  return out ?? (values as T[]);
}
