import { UsageError } from "./usage-error.js";

/** Parse a command-line number that must be a whole number ≥ 1 (`--limit 20`), naming the option when it is not. */
export function parsePositiveInteger(value: string, optionName: string, options: { allowZero?: boolean } = {}): number {
  const trimmed = value.trim();
  const number = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN;
  const minimum = options.allowZero ? 0 : 1;
  if (!Number.isSafeInteger(number) || number < minimum) {
    throw new UsageError(`invalid ${optionName} '${value}': expected a whole number ≥ ${minimum}`);
  }
  return number;
}
