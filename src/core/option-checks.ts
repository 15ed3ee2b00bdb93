/**
 * Runtime checks of option objects (task, flow, deploy, serve, schedule, worker, weir.yaml), so a
 * mistyped option is an error rather than silently ignored: TypeScript catches it only in typed,
 * compiled code, and a Python user reaches first for Prefect's spellings (`cache_key_fn`,
 * `retry_delay_seconds`, `timeout`). An unknown key is named with the nearest valid one
 * (Damerau-Levenshtein), or with a specific hint for a known foreign spelling.
 */
import { WeirError } from "./weir-error.js";

/** Foreign or old spellings of options, each with what to write instead (e.g. `{ timeout: "timeoutSeconds" }`). */
export type OptionAliases = Readonly<Record<string, string>>;

/** What `checkKnownOptions` needs besides the object. */
export interface KnownOptions {
  /** Kind of options, in messages: `task` gives "unknown task option 'x'". */
  kind: string;
  /** The valid keys. */
  known: readonly string[];
  /** Known misspellings → the right spelling or a hint. @default {} */
  aliases?: OptionAliases;
  /** Where the object sits, prefixed to keys in messages (`cache` gives 'cache.ttl'). @default "" */
  path?: string;
  /** Names the owner at the end of the message, e.g. "task 'say-name'". @default undefined */
  owner?: string;
}

/**
 * Throw a VALIDATION WeirError for the first key of `given` that is not a known option, naming
 * the nearest valid one: `unknown task option 'retrys' (did you mean 'retries'?)`. Does nothing
 * when `given` is not a plain object (the caller's own checks report that).
 * @example checkKnownOptions({ retrys: 3 }, { kind: "task", known: ["retries", "name"] })
 */
export function checkKnownOptions(given: unknown, options: KnownOptions): void {
  if (typeof given !== "object" || given === null || Array.isArray(given)) return;
  const issues = unknownOptionIssues(given as Record<string, unknown>, options);
  const first = issues[0];
  if (first === undefined) return;
  const message = `${first.message}${options.owner === undefined ? "" : ` in ${options.owner}`}`;
  throw new WeirError("VALIDATION", message, { details: { issues } });
}

/** The unknown keys of an object, one issue each (`path` is the dotted key, `message` as above). */
export function unknownOptionIssues(given: Readonly<Record<string, unknown>>, options: KnownOptions): Array<{ path: string; message: string }> {
  const issues: Array<{ path: string; message: string }> = [];
  for (const key of Object.keys(given)) {
    if (options.known.includes(key)) continue;
    const path = options.path ? `${options.path}.${key}` : key;
    issues.push({ path, message: unknownOptionMessage(key, options) });
  }
  return issues;
}

/** The message for one unknown key: its hint, its nearest valid key, or the list of valid keys. */
export function unknownOptionMessage(key: string, options: KnownOptions): string {
  const prefix = options.path ? `${options.path}.` : "";
  const head = `unknown ${options.kind} option '${prefix}${key}'`;
  const hint = hintFor(key, options);
  if (hint !== null) return `${head} (${hint})`;
  return `${head} (valid options: ${options.known.map((name) => `${prefix}${name}`).join(", ")})`;
}

function hintFor(key: string, options: KnownOptions): string | null {
  const prefix = options.path ? `${options.path}.` : "";
  const alias = options.aliases !== undefined && Object.hasOwn(options.aliases, key) ? options.aliases[key] : undefined;
  if (alias !== undefined) {
    // A bare option name reads as a suggestion; anything longer is a hint written out in full.
    return /^[A-Za-z_$][\w$.]*$/.test(alias) ? `did you mean '${alias.includes(".") ? alias : `${prefix}${alias}`}'?` : alias;
  }
  const camel = key.replace(/[_-]+([a-z0-9])/gi, (_match, letter: string) => letter.toUpperCase());
  const nearest = nearestOption(camel, options.known) ?? nearestOption(key, options.known);
  return nearest === null ? null : `did you mean '${prefix}${nearest}'?`;
}

/** The valid name closest to `key` (case-insensitive Damerau-Levenshtein), or null when none is close. */
export function nearestOption(key: string, known: readonly string[]): string | null {
  const wanted = key.toLowerCase();
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const name of known) {
    const distance = editDistance(wanted, name.toLowerCase());
    if (distance < bestDistance) {
      best = name;
      bestDistance = distance;
    }
  }
  // Close enough to be a typo: a third of the length, at least one edit, at most three.
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  return bestDistance <= limit ? best : null;
}

/** Edit distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) => Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)));
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let value = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) value = Math.min(value, table[row - 2]![column - 2]! + 1);
      table[row]![column] = value;
    }
  }
  return table[rows - 1]![columns - 1]!;
}
