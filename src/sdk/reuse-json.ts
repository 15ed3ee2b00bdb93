/**
 * JSON text with object keys sorted (the same text as stable-json.ts's `stableJson` for values that
 * JSON keeps), or null when the value does not survive JSON: a function, symbol, BigInt, NaN or
 * ±Infinity, a class instance other than Date (a Map would become `{}`), a circular or too deep
 * value. One walk both checks and writes, as the reuse key is made for every task call of a flow.
 */
import { MAX_JSON_DEPTH } from "../core/json-depth.js";

/** Sorted-key JSON of a value, or null when it cannot be stored as JSON exactly. */
export function reuseJsonOf(value: unknown): string | null {
  return write(value, 0);
}

function write(value: unknown, depth: number): string | null {
  switch (typeof value) {
    case "string":
      return JSON.stringify(value);
    case "number":
      return Number.isFinite(value) ? String(value) : null;
    case "boolean":
      return value ? "true" : "false";
    case "object":
      break;
    case "bigint":
    case "function":
    case "symbol":
    case "undefined":
      return null;
  }
  if (value === null) return "null";
  if (depth >= MAX_JSON_DEPTH) return null;
  if (Array.isArray(value)) {
    const parts: string[] = [];
    for (const item of value) {
      // JSON writes undefined in an array as null.
      const text = item === undefined ? "null" : write(item, depth + 1);
      if (text === null) return null;
      parts.push(text);
    }
    return `[${parts.join(",")}]`;
  }
  if (value instanceof Date) return JSON.stringify(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return null;
  const record = value as Record<string, unknown>;
  const parts: string[] = [];
  for (const key of Object.keys(record).sort()) {
    const item = record[key];
    if (item === undefined) continue;
    const text = write(item, depth + 1);
    if (text === null) return null;
    parts.push(`${JSON.stringify(key)}:${text}`);
  }
  return `{${parts.join(",")}}`;
}
