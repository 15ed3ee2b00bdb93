/**
 * Whether a value survives a round trip through JSON, the form Weir stores results, cache inputs
 * and parameters in. Refused: functions, symbols, BigInts, NaN and ±Infinity, circular references,
 * instances of classes other than Object, Array and Date (a Map would become `{}`), and nesting
 * deeper than MAX_JSON_DEPTH. Accepted as JSON has them: `undefined` (dropped from objects, `null`
 * in arrays) and Dates (ISO strings). The walk is iterative, so no input overflows the stack.
 */
import { MAX_JSON_DEPTH } from "../core/json-depth.js";
import { WeirError } from "../core/weir-error.js";

/** Where a value cannot be stored as JSON, and what was found there. */
export interface SerializationProblem {
  /** The path from `root`, e.g. `result.rows[3].parse`. */
  path: string;
  /** What was found, e.g. `a function`, `a circular reference`, `a Map instance`. */
  found: string;
}

/** Throw NOT_SERIALIZABLE (naming the path) when a value cannot round-trip through JSON. */
export function assertSerializable(value: unknown, what: string, root = "$"): void {
  const problem = findSerializationProblem(value, root);
  if (problem !== null) {
    throw new WeirError("NOT_SERIALIZABLE", `${what} cannot be stored as JSON: ${problem.path} is ${problem.found}`, {
      details: { path: problem.path, found: problem.found },
    });
  }
}

interface Frame {
  value: unknown;
  path: string;
  depth: number;
  /** Set on the marker that closes a container: it leaves the ancestors then. */
  closes?: object;
}

/** The first place (depth first, in key order) where `value` cannot be stored as JSON, or null. */
export function findSerializationProblem(value: unknown, root: string): SerializationProblem | null {
  const stack: Frame[] = [{ value, path: root, depth: 0 }];
  // The containers on the path to the current one: a value met again among them is circular
  // (one met again elsewhere is only shared, which JSON writes twice).
  const ancestors = new Set<object>();
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.closes !== undefined) {
      ancestors.delete(frame.closes);
      continue;
    }
    const found = problemOf(frame.value, ancestors);
    if (found !== null) return { path: frame.path, found };
    if (typeof frame.value !== "object" || frame.value === null || frame.value instanceof Date) continue;
    if (frame.depth >= MAX_JSON_DEPTH) return { path: frame.path, found: `nested more than ${MAX_JSON_DEPTH} levels deep (the limit)` };
    const container = frame.value;
    ancestors.add(container);
    stack.push({ value: undefined, path: frame.path, depth: frame.depth, closes: container });
    const entries = Array.isArray(container)
      ? container.map((item, index) => [`${frame.path}[${index}]`, item] as const)
      : Object.entries(container).map(([key, item]) => [`${frame.path}.${key}`, item] as const);
    for (let index = entries.length - 1; index >= 0; index -= 1) {
      const [path, item] = entries[index]!;
      if (typeof item === "object" && item !== null) stack.push({ value: item, path, depth: frame.depth + 1 });
      else {
        const leaf = problemOf(item, ancestors);
        if (leaf !== null) stack.push({ value: item, path, depth: frame.depth + 1 });
      }
    }
  }
  return null;
}

// What is wrong with one value itself (not its contents), or null.
function problemOf(value: unknown, ancestors: ReadonlySet<object>): string | null {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return null;
    case "number":
      return Number.isFinite(value) ? null : String(value);
    case "bigint":
    case "function":
    case "symbol":
      return `a ${typeof value}`;
    case "object":
      break;
  }
  if (value === null || value instanceof Date) return null;
  if (ancestors.has(value)) return "a circular reference";
  if (Array.isArray(value)) return null;
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return `a ${(value as { constructor?: { name?: string } }).constructor?.name ?? "class"} instance`;
  return null;
}
