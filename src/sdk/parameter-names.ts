/**
 * The names a function's parameters bind, read from its source text (`fn.toString()`), so that a
 * cache policy can leave inputs out by name (`inputs.excluding("verbose")`). A simple parameter
 * has a name; a destructured object parameter (`{ rows, verbose }`) has the keys it takes; an
 * array pattern has neither. Types are gone by run time (TypeScript compiles them away).
 */

/** One parameter of a function. */
export interface ParameterName {
  /** The parameter's name, or null for a destructuring pattern. */
  name: string | null;
  /** The keys an object pattern takes (`{ a, b: c = 1 }` gives a, b). */
  keys: readonly string[];
  /** A rest parameter (`...rest`) binds every argument from here on. */
  isRest: boolean;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*/;

/** The parameters of a function, in order. */
export function parameterNamesOf(fn: (...args: never[]) => unknown): ParameterName[] {
  const source = fn.toString();
  const bare = /^(?:async\s+)?([A-Za-z_$][\w$]*)\s*=>/.exec(source);
  if (bare !== null) return [{ name: bare[1]!, keys: [], isRest: false }];
  const open = source.indexOf("(");
  if (open < 0) return [];
  const close = matchingClose(source, open);
  return splitTopLevel(source.slice(open + 1, close)).map(parameterOf);
}

function parameterOf(text: string): ParameterName {
  const isRest = text.startsWith("...");
  const pattern = isRest ? text.slice(3).trim() : text;
  if (pattern.startsWith("{")) {
    const inner = pattern.slice(1, matchingClose(pattern, 0));
    const keys = splitTopLevel(inner).flatMap((entry) => {
      const key = entry.startsWith("...") ? null : (IDENTIFIER.exec(entry)?.[0] ?? /^["']([^"']+)["']/.exec(entry)?.[1] ?? null);
      return key === null ? [] : [key];
    });
    return { name: null, keys, isRest };
  }
  if (pattern.startsWith("[")) return { name: null, keys: [], isRest };
  return { name: IDENTIFIER.exec(pattern)?.[0] ?? null, keys: [], isRest };
}

// Index of the bracket closing the one at `open`, skipping strings, template literals and nested brackets.
function matchingClose(source: string, open: number): number {
  let depth = 0;
  for (let index = open; index < source.length; index += 1) {
    const char = source[index]!;
    if (char === '"' || char === "'" || char === "`") {
      index = endOfString(source, index);
    } else if (char === "(" || char === "[" || char === "{") {
      depth += 1;
    } else if (char === ")" || char === "]" || char === "}") {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return source.length;
}

function endOfString(source: string, start: number): number {
  const quote = source[start];
  for (let index = start + 1; index < source.length; index += 1) {
    if (source[index] === "\\") index += 1;
    else if (source[index] === quote) return index;
  }
  return source.length;
}

// Comma-separated items at the top level of a list's text, trimmed, empty ones dropped.
function splitTopLevel(text: string): string[] {
  const items: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index]!;
    if (char === '"' || char === "'" || char === "`") index = endOfString(text, index);
    else if (char === "(" || char === "[" || char === "{") depth += 1;
    else if (char === ")" || char === "]" || char === "}") depth -= 1;
    else if (char === "," && depth === 0) {
      items.push(text.slice(start, index));
      start = index + 1;
    }
  }
  items.push(text.slice(start));
  return items.map((item) => item.trim()).filter((item) => item !== "");
}
