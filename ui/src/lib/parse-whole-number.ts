/** Reads a whole number typed into a form field (priority, concurrency limit) into a value or a message naming what is wrong. */

/** What a field accepts. */
export interface WholeNumberRule {
  /** The field's name as the user sees it, e.g. "Priority". */
  label: string;
  /** Smallest accepted value. */
  min: number;
  /** Largest accepted value. @default Number.MAX_SAFE_INTEGER */
  max?: number;
  /** Whether an empty field is accepted (as null, "none"). @default false */
  isOptional?: boolean;
}

/** The value of a field, or why it is refused. */
export type ParsedWholeNumber = { value: number | null; error: null } | { value: null; error: string };

/** Parse `text` by `rule`: "" is null when optional; anything but a whole number in [min, max] gets a message. */
export function parseWholeNumber(text: string, rule: WholeNumberRule): ParsedWholeNumber {
  const trimmed = text.trim();
  const max = rule.max ?? Number.MAX_SAFE_INTEGER;
  const refuse = (why: string): ParsedWholeNumber => ({ value: null, error: `${rule.label} ${why}` });
  if (trimmed === "") return rule.isOptional ? { value: null, error: null } : refuse("is required");
  // Number() alone would accept "1e3", "0x10" and " ", which nobody means as a priority.
  if (!/^[+-]?\d+$/.test(trimmed)) {
    return refuse(/^[+-]?(\d+\.?\d*|\.\d+)$/.test(trimmed) ? `must be a whole number, got '${trimmed}'` : `must be a number, got '${trimmed}'`);
  }
  const value = Number(trimmed);
  if (value < 0 && rule.min >= 0) return refuse(`must not be negative, got ${trimmed}`);
  if (value < rule.min) return refuse(`must be at least ${rule.min}, got ${trimmed}`);
  if (value > max) return refuse(`must be at most ${max}, got ${trimmed}`);
  return { value, error: null };
}

/** A queue priority: 1 (served first) to 1,000,000, as the API accepts. */
export const PRIORITY_RULE: WholeNumberRule = { label: "Priority", min: 1, max: 1_000_000 };

/** A concurrency limit: a whole number ≥ 0, or empty for none. */
export const CONCURRENCY_LIMIT_RULE: WholeNumberRule = { label: "Concurrency limit", min: 0, isOptional: true };
