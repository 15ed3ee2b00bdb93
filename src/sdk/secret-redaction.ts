/**
 * Redaction of secret values in this process: every secret variable the SDK resolves
 * (`Variables.get`) is remembered here, and the run's log lines, printed run lines, stored
 * errors and state messages are written with `****` in place of each remembered value before
 * they leave the process. A string value is redacted as is; a JSON value by its JSON text and by
 * each string inside it. Values shorter than 4 characters are not redacted: they would mask
 * ordinary words of every line.
 */
const MASK = "****";
const MIN_REDACTED_LENGTH = 4;

// Longest first, so a value that contains another is masked whole.
let needles: string[] = [];

/** Remember a resolved secret value (see file header). */
export function rememberSecretValue(value: unknown): void {
  const found = new Set(needles);
  const add = (text: string): void => {
    if (text.length >= MIN_REDACTED_LENGTH) found.add(text);
  };
  const visit = (part: unknown, depth: number): void => {
    if (typeof part === "string") add(part);
    else if (part !== null && typeof part === "object" && depth < 32) for (const inner of Object.values(part)) visit(inner, depth + 1);
  };
  if (typeof value !== "string") add(JSON.stringify(value) ?? "");
  visit(value, 0);
  needles = [...found].sort((a, b) => b.length - a.length);
}

/** Whether any secret value was resolved in this process. */
export function hasSecretValues(): boolean {
  return needles.length > 0;
}

/** `text` with every remembered secret value replaced by `****`. */
export function redactSecrets(text: string): string {
  if (needles.length === 0) return text;
  let redacted = text;
  for (const needle of needles) if (redacted.includes(needle)) redacted = redacted.split(needle).join(MASK);
  return redacted;
}

/** A copy of a JSON-like value (a state, a stored error) with every string in it redacted. */
export function redactSecretsDeep<T>(value: T): T {
  if (needles.length === 0) return value;
  const visit = (part: unknown, depth: number): unknown => {
    if (typeof part === "string") return redactSecrets(part);
    if (Array.isArray(part)) return depth < 32 ? part.map((inner) => visit(inner, depth + 1)) : part;
    if (part !== null && typeof part === "object" && Object.getPrototypeOf(part) === Object.prototype && depth < 32) {
      return Object.fromEntries(Object.entries(part).map(([key, inner]) => [key, visit(inner, depth + 1)]));
    }
    return part;
  };
  return visit(value, 0) as T;
}

/** Forget every remembered value (tests). @internal */
export function forgetSecretValues(): void {
  needles = [];
}

/** A copy of a state (or its extra fields) with its `message` and `error` redacted; the result is left alone. */
export function redactStateText<T extends { message?: string | null; error?: unknown }>(fields: T): T {
  if (needles.length === 0) return fields;
  const copy = { ...fields };
  if (typeof copy.message === "string") copy.message = redactSecrets(copy.message);
  if (copy.error !== undefined && copy.error !== null) copy.error = redactSecretsDeep(copy.error);
  return copy;
}
