import { WeirError } from "../core/weir-error.js";

/** Throw NOT_SERIALIZABLE (naming the path) when a value cannot round-trip through JSON. */
export function assertSerializable(value: unknown, what: string): void {
  const problem = findProblem(value, "$", new Set());
  if (problem !== null) {
    throw new WeirError("NOT_SERIALIZABLE", `${what} cannot be stored as JSON: ${problem.path} is ${problem.found}`, {
      details: { path: problem.path, found: problem.found },
    });
  }
}

function findProblem(value: unknown, path: string, seen: Set<object>): { path: string; found: string } | null {
  switch (typeof value) {
    case "string":
    case "boolean":
    case "undefined":
      return null;
    case "number":
      return Number.isFinite(value) ? null : { path, found: String(value) };
    case "bigint":
    case "function":
    case "symbol":
      return { path, found: `a ${typeof value}` };
    case "object":
      break;
  }
  if (value === null || value instanceof Date) return null;
  if (seen.has(value)) return { path, found: "a circular reference" };
  if (Array.isArray(value)) {
    seen.add(value);
    for (let index = 0; index < value.length; index += 1) {
      const problem = findProblem(value[index], `${path}[${index}]`, seen);
      if (problem !== null) return problem;
    }
    seen.delete(value);
    return null;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) {
    return { path, found: `a ${(value).constructor?.name ?? "class"} instance` };
  }
  seen.add(value);
  for (const [key, item] of Object.entries(value)) {
    const problem = findProblem(item, `${path}.${key}`, seen);
    if (problem !== null) return problem;
  }
  seen.delete(value);
  return null;
}
