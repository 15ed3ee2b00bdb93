/**
 * What went wrong while importing a flow file, in one line that names the file, line and column
 * (`/app/flows/etl.ts:4:13: SyntaxError: Unexpected ";"`), for the kinds of failure a user meets:
 * a syntax error (tsx's esbuild transform), an import of a name a module does not export, a
 * module that cannot be found, and an exception thrown while the file's top level runs.
 * Columns are 1-based, as in Node's stack traces and tsc's messages.
 */
import { readFileSync } from "node:fs";
import { basename, dirname, isAbsolute, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** A place in a source file. */
interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

const WEIR_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
// esbuild: "Transform failed with 1 error:\n/app/flow.ts:4:12: ERROR: Unexpected \";\"" (0-based column).
const TRANSFORM_ERROR = /^(.+?):(\d+):(\d+): ERROR: (.*)$/m;
const TRANSFORM_COUNT = /^Transform failed with (\d+) errors?:/;
// Node's decorated stack of a module that fails to link: "file:///app/flow.ts:2\n<source line>\n   ^^^^".
const LINK_ERROR_HEAD = /^((?:file:\/\/)?\/[^\n]*?):(\d+)\n([^\n]*)\n(\s*)\^/;
const STACK_FRAME = /(?:^at |\()((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/;

/**
 * `path` (the flow file) and why it failed to load, naming the file, line and column when known:
 * `<file>:<line>:<column>: <ErrorName>: <message>`, prefixed by `path` when the failure lies in
 * another file that `path` imports.
 */
export function describeLoadError(path: string, error: unknown): string {
  const located = locate(error);
  const text = summary(error);
  if (!located) return `${path}: ${text}`;
  const where = `${located.file}:${located.line}:${located.column}`;
  return located.file === path ? `${where}: ${text}` : `${path}: ${where}: ${text}`;
}

function locate(error: unknown): SourceLocation | null {
  if (!(error instanceof Error)) return null;
  const transform = TRANSFORM_ERROR.exec(error.message);
  if (transform?.[1] && transform[2] && transform[3]) return { file: transform[1], line: Number(transform[2]), column: Number(transform[3]) + 1 };
  const stack = error.stack ?? "";
  const link = LINK_ERROR_HEAD.exec(stack);
  if (link?.[1] && link[2]) return { file: toPath(link[1]), line: Number(link[2]), column: (link[4]?.length ?? 0) + 1 };
  const missing = missingModule(error);
  if (missing) return missing;
  return firstUserFrame(stack);
}

function summary(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const transform = TRANSFORM_ERROR.exec(error.message);
  if (transform?.[4]) {
    const count = Number(TRANSFORM_COUNT.exec(error.message)?.[1] ?? 1);
    return `SyntaxError: ${transform[4]}${count > 1 ? ` (and ${count - 1} more error${count > 2 ? "s" : ""})` : ""}`;
  }
  const code = (error as { code?: unknown }).code;
  // The location already names the importing file; Node's "Require stack:" list repeats it.
  const message = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND" ? (error.message.split("\n")[0] ?? "").replace(/ imported from .*$/, "") : error.message;
  return `${error.name}: ${message}`;
}

// "Cannot find package 'x' imported from /app/flow.ts" (import) or "Cannot find module 'x'"
// with a require stack (require): the line of the importing file that names 'x'.
function missingModule(error: Error): SourceLocation | null {
  const code = (error as { code?: unknown }).code;
  if (code !== "ERR_MODULE_NOT_FOUND" && code !== "MODULE_NOT_FOUND") return null;
  const specifier = /^Cannot find (?:package|module) '([^']+)'/.exec(error.message)?.[1];
  const importer = / imported from (\/.+)$/m.exec(error.message)?.[1] ?? (error as { requireStack?: string[] }).requireStack?.[0];
  if (!specifier || !importer) return null;
  let source: string;
  try {
    source = readFileSync(importer, "utf8");
  } catch {
    return null;
  }
  for (const quote of ['"', "'", "`"]) {
    const index = source.indexOf(`${quote}${specifier}${quote}`);
    if (index >= 0) return positionOf(importer, source, index);
  }
  // ESM reports a relative import by its resolved path ('/app/lib/absent.js'); the source may
  // name it './lib/absent.js', './lib/absent' or '../app/lib/absent.ts'.
  if (isAbsolute(specifier)) {
    const stem = basename(specifier).replace(/\.[cm]?[jt]sx?$/, "").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const quoted = new RegExp(`["'\`][^"'\`\n]*/${stem}(?:\\.[cm]?[jt]sx?)?["'\`]`).exec(source);
    if (quoted) return positionOf(importer, source, quoted.index);
  }
  return null;
}

function positionOf(file: string, source: string, index: number): SourceLocation {
  const before = source.slice(0, index);
  const line = before.split("\n").length;
  return { file, line, column: index - before.lastIndexOf("\n") };
}

// The first frame in the user's code: not Node's, not a dependency's, not Weir's own.
function firstUserFrame(stack: string): SourceLocation | null {
  for (const line of stack.split("\n").slice(1)) {
    const match = STACK_FRAME.exec(line.trim());
    if (!match?.[1] || !match[2] || !match[3]) continue;
    const file = toPath(match[1]);
    if (file.startsWith(WEIR_ROOT + sep) || file.includes(`${sep}node_modules${sep}`)) continue;
    return { file, line: Number(match[2]), column: Number(match[3]) };
  }
  return null;
}

function toPath(location: string): string {
  return location.startsWith("file://") ? fileURLToPath(location) : location;
}
