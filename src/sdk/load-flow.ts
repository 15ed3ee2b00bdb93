import { existsSync, readFileSync } from "node:fs";
import { createRequire, Module } from "node:module";
import { dirname, extname, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { WeirError } from "../core/weir-error.js";
import { isFlow } from "./flow.js";
import type { AnyFlow } from "./flow.js";
import { describeLoadError } from "./load-error.js";

export { isFlow } from "./flow.js";

let loaderReady: Promise<void> | undefined;

/**
 * Import the flow an entrypoint names (`path/to/file.ts:exportName`, path relative to `cwd`).
 * Files load as `npx tsx` would load them (registered on first use, no set-up for the user):
 * `.ts`, `.mts`, `.cts`, `.js`, `.mjs`, `.cjs`, in ESM and CommonJS projects and in folders
 * without a package.json. A file that cannot be loaded (syntax error, missing import) fails
 * with an error naming the file, line and column.
 * `version` (internal: a worker running flows in its own process passes the file's mtime) loads
 * the file again when it changed: a fresh module instance of the entrypoint file (the modules it
 * imports stay as first loaded).
 * @example const etl = await loadFlow("flows/etl.ts:etl");
 */
export async function loadFlow(entrypoint: string, cwd: string = process.cwd(), version?: string): Promise<AnyFlow> {
  const separator = entrypoint.lastIndexOf(":");
  if (typeof entrypoint !== "string" || separator <= 0 || separator === entrypoint.length - 1) {
    throw WeirError.validation("entrypoint", [{ path: "entrypoint", message: `'${entrypoint}' is not of the form path/to/file.ts:exportName` }]);
  }
  const file = entrypoint.slice(0, separator);
  const exportName = entrypoint.slice(separator + 1);
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  if (!existsSync(path)) throw new WeirError("NOT_FOUND", `entrypoint file ${path} does not exist (from '${entrypoint}', cwd ${cwd})`);
  await prepareTypeScriptLoader();
  let loaded: unknown;
  try {
    // As `npx tsx file` runs it: a CommonJS file through require(), an ES module through import().
    loaded = isCommonJs(path) ? requireVersion(path, version) : await import(`${pathToFileURL(path).href}${version === undefined ? "" : `?version=${encodeURIComponent(version)}`}`);
  } catch (error) {
    throw new WeirError("BAD_REQUEST", `could not load ${describeLoadError(path, error)}`, { cause: error });
  }
  const exported = (typeof loaded === "object" || typeof loaded === "function") && loaded !== null ? (loaded as Record<string, unknown>) : {};
  if (!(exportName in exported)) {
    const available = Object.keys(exported).filter((name) => isFlow(exported[name]));
    throw new WeirError("NOT_FOUND", `${file} has no export '${exportName}'${available.length > 0 ? ` (flows exported: ${available.join(", ")})` : ""}`);
  }
  const value = exported[exportName];
  if (!isFlow(value)) throw new WeirError("BAD_REQUEST", `export '${exportName}' of ${file} is not a flow (made with flow()); it is a ${typeof value}`);
  return value;
}

const requiredVersions = new Map<string, string>();

function requireVersion(path: string, version: string | undefined): unknown {
  const require = createRequire(path);
  if (version !== undefined) {
    if (requiredVersions.has(path) && requiredVersions.get(path) !== version) delete require.cache[path];
    requiredVersions.set(path, version);
  }
  return require(path);
}

/**
 * Register the flow file loader (tsx, for both `import` and `require`) now, once per process
 * (a warm run child does it ahead of its run).
 */
export function prepareTypeScriptLoader(): Promise<void> {
  loaderReady ??= registerLoader();
  return loaderReady;
}

async function registerLoader(): Promise<void> {
  // What `npx tsx` does: a CommonJS project's `.ts` (and any `.cts`) loads through require().
  // Under `tsx` or `node --import tsx` TypeScript already loads; registering again is harmless.
  const [commonJs, esm, sdk] = await Promise.all([import("tsx/cjs/api"), import("tsx/esm/api"), import("../index.js")]);
  commonJs.register();
  esm.register();
  shareWithRequire(sdk);
}

// tsx compiles a `.js` file that require() reaches into a CommonJS copy of it: a CommonJS flow's
// `require("weirflow")` would get a second SDK (its own run context, client, caches), blind to
// the run this process executes. Node's require cache (a public API) hands it this one instead.
function shareWithRequire(sdk: object): void {
  const here = fileURLToPath(import.meta.url);
  const index = resolve(dirname(here), "..", `index${extname(here)}`);
  const cache = createRequire(import.meta.url).cache;
  if (cache[index] !== undefined) return;
  const entry = new Module(index);
  entry.filename = index;
  entry.loaded = true;
  entry.exports = sdk;
  cache[index] = entry;
}

// tsx's rule: `.cts`/`.cjs` are CommonJS, `.mts`/`.mjs` ES modules, and other files follow the
// nearest package.json's "type" (CommonJS without one, as in a folder made by `npm init -y`).
function isCommonJs(path: string): boolean {
  const extension = extname(path);
  if (extension === ".cts" || extension === ".cjs") return true;
  if (extension === ".mts" || extension === ".mjs") return false;
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) return packageType(manifest) !== "module";
    if (dirname(dir) === dir) return true;
  }
}

function packageType(manifest: string): unknown {
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { type?: unknown }).type;
  } catch {
    return undefined;
  }
}
