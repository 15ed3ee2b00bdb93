/**
 * Inference of a flow's entrypoint (`path/to/file.ts:exportName`, relative to the run's working
 * directory) for `flow.deploy()` / `flow.serve()`: the file is the first caller outside Weir on
 * the stack of the `flow()` call (recorded by src/sdk/flow.ts), else on the stack of the
 * `deploy()` call; the export is
 * found in that file's source — the `export const X = flow(...)` whose options name the flow, or
 * the only exported flow. The module itself is not imported (it may still be evaluating a
 * top-level `await flow.deploy()`). When in doubt it fails asking for `entrypoint`.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { WeirError } from "../core/weir-error.js";

const WEIR_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const EXPORTED_FLOW = /export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*flow\s*[(<]/g;

function stackFiles(stack: string): string[] {
  const files: string[] = [];
  for (const line of stack.split("\n").slice(1)) {
    const match = /\(?((?:file:\/\/)?\/[^():]+):\d+:\d+\)?\s*$/.exec(line.trim());
    if (!match?.[1]) continue;
    const file = match[1].startsWith("file://") ? fileURLToPath(match[1]) : match[1];
    files.push(file);
  }
  return files;
}

/** The first source file on `stack` outside Weir itself and node_modules. */
export function callerFile(stack: string = new Error().stack ?? ""): string | null {
  for (const file of stackFiles(stack)) {
    if (file.startsWith(WEIR_ROOT + sep) || file.includes(`${sep}node_modules${sep}`) || file.startsWith("node:")) continue;
    if (existsSync(file)) return file;
  }
  return null;
}

/** The export of `source` that holds the flow named `flowName`, or null when unclear. */
export function findFlowExport(source: string, flowName: string): string | null {
  const matches = [...source.matchAll(EXPORTED_FLOW)];
  if (matches.length === 0) return null;
  const quoted = [`"${flowName}"`, `'${flowName}'`, `\`${flowName}\``];
  const naming = matches.filter((match, index) => {
    const end = matches[index + 1]?.index ?? source.length;
    const head = source.slice(match.index, Math.min(end, match.index + 400));
    return quoted.some((text) => head.includes(text));
  });
  if (naming.length === 1) return naming[0]?.[1] ?? null;
  const byName = matches.find((match) => match[1] === flowName);
  if (byName) return byName[1] ?? null;
  return matches.length === 1 ? (matches[0]?.[1] ?? null) : null;
}

const FLOW_DEFINITION_STACK = Symbol.for("weir.flow.definitionStack");

/** The stack recorded when `flow` was defined by `flow()`, or null. */
export function definitionStackOf(flow: object): string | null {
  const stack = (flow as Record<symbol, unknown>)[FLOW_DEFINITION_STACK];
  return typeof stack === "string" && stack !== "" ? stack : null;
}

/** Infer `file:export` for `flowName` relative to `cwd`, from the given stacks in order (see file header). */
export function inferEntrypoint(flowName: string, cwd: string, ...stacks: (string | null)[]): string {
  const candidates = stacks.length > 0 ? stacks : [new Error().stack ?? ""];
  const file = candidates.map((stack) => (stack ? callerFile(stack) : null)).find((found) => found !== null) ?? null;
  const hint = `pass entrypoint: "path/to/file.ts:exportName" (relative to ${cwd})`;
  if (!file) throw WeirError.validation("deployment", [{ path: "entrypoint", message: `cannot infer where flow '${flowName}' is defined; ${hint}` }]);
  const exportName = findFlowExport(readFileSync(file, "utf8"), flowName);
  if (!exportName) {
    throw WeirError.validation("deployment", [{ path: "entrypoint", message: `cannot find the export of flow '${flowName}' in ${file}; ${hint}` }]);
  }
  const path = relative(cwd, file).split(sep).join("/");
  return `${path.startsWith("..") ? file : path}:${exportName}`;
}
