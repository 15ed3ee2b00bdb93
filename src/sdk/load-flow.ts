import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { WeirError } from "../core/weir-error.js";
import { isFlow } from "./flow.js";
import type { AnyFlow } from "./flow.js";

export { isFlow } from "./flow.js";

const TYPESCRIPT_FILE = /\.(c|m)?tsx?$/;
let isTsxRegistered = false;

/**
 * Import the flow an entrypoint names (`path/to/file.ts:exportName`, path relative to `cwd`).
 * TypeScript files load through tsx, registered on first use (no set-up for the user).
 * @example const etl = await loadFlow("flows/etl.ts:etl");
 */
export async function loadFlow(entrypoint: string, cwd: string = process.cwd()): Promise<AnyFlow> {
  const separator = entrypoint.lastIndexOf(":");
  if (typeof entrypoint !== "string" || separator <= 0 || separator === entrypoint.length - 1) {
    throw WeirError.validation("entrypoint", [{ path: "entrypoint", message: `'${entrypoint}' is not of the form path/to/file.ts:exportName` }]);
  }
  const file = entrypoint.slice(0, separator);
  const exportName = entrypoint.slice(separator + 1);
  const path = isAbsolute(file) ? file : resolve(cwd, file);
  if (!existsSync(path)) throw new WeirError("NOT_FOUND", `entrypoint file ${path} does not exist (from '${entrypoint}', cwd ${cwd})`);
  if (TYPESCRIPT_FILE.test(path)) await prepareTypeScriptLoader();
  let module: Record<string, unknown>;
  try {
    module = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    throw new WeirError("BAD_REQUEST", `could not load ${path}: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (!(exportName in module)) {
    const available = Object.keys(module).filter((name) => isFlow(module[name]));
    throw new WeirError("NOT_FOUND", `${file} has no export '${exportName}'${available.length > 0 ? ` (flows exported: ${available.join(", ")})` : ""}`);
  }
  const value = module[exportName];
  if (!isFlow(value)) throw new WeirError("BAD_REQUEST", `export '${exportName}' of ${file} is not a flow (made with flow()); it is a ${typeof value}`);
  return value;
}

/** Register the TypeScript loader (tsx) now, once per process (a warm run child does it ahead). */
export async function prepareTypeScriptLoader(): Promise<void> {
  if (isTsxRegistered) return;
  isTsxRegistered = true;
  // Under `tsx` or `node --import tsx` TypeScript already loads; registering again is harmless.
  const { register } = await import("tsx/esm/api");
  register();
}
