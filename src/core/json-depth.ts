/**
 * How deep a JSON value may nest. Values cross Weir through recursive code it does not own:
 * `JSON.stringify` overflows the stack near 5,000 nested objects or 10,000 arrays on Node 20,
 * PostgreSQL's jsonb parser stops at `max_stack_depth`, and the SDK and the dashboard walk values
 * recursively too. The limit sits far below all of them and far above real data (configuration
 * and results rarely nest past 20 levels); it is the limit Prefect users meet only in pathological
 * input, and the same on both databases.
 */

/** The deepest nesting accepted in parameters, job variables, variables, artifacts and results. */
export const MAX_JSON_DEPTH = 100;

/**
 * The path (`root.a[0].b…`) of the first container nested deeper than `limit`, or null when the
 * value fits. Iterative: it never overflows the stack, whatever the input.
 */
export function findTooDeep(value: unknown, root: string, limit: number = MAX_JSON_DEPTH): string | null {
  if (typeof value !== "object" || value === null) return null;
  // Depth-first, with each entry's parent kept, so the path is built only for the one reported.
  interface Entry { value: object; depth: number; parent: Entry | null; key: string }
  const stack: Entry[] = [{ value, depth: 1, parent: null, key: root }];
  // The deepest level each container was walked at: a value shared by several parents is walked
  // again only deeper (at most `limit` times); a circular one goes deeper each round, so it is
  // reported as too deep, which it is for JSON.
  const walkedAt = new Map<object, number>();
  while (stack.length > 0) {
    const entry = stack.pop()!;
    if (entry.depth > limit) return pathOf(entry);
    const walked = walkedAt.get(entry.value);
    if (walked !== undefined && walked >= entry.depth) continue;
    walkedAt.set(entry.value, entry.depth);
    const isArray = Array.isArray(entry.value);
    for (const [key, item] of Object.entries(entry.value)) {
      if (typeof item === "object" && item !== null) stack.push({ value: item as object, depth: entry.depth + 1, parent: entry, key: isArray ? `[${key}]` : `.${key}` });
    }
  }
  return null;
}

function pathOf(entry: { parent: { parent: unknown; key: string } | null; key: string }): string {
  const keys: string[] = [];
  for (let at: typeof entry | null = entry; at !== null; at = at.parent as typeof entry | null) keys.push(at.key);
  const path = keys.reverse().join("");
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}
