/**
 * The sha256 of a deployment's entrypoint file, as `deploy()`, `serve()` and `weir deploy` send
 * it: the deployment version records it, so the history shows when the code changed even when
 * the deployment's settings did not.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";

/** sha256 (hex) of the file of `path/to/file.ts:exportName`, relative to `cwd`; null when it cannot be read. */
export function entrypointFileHash(entrypoint: string, cwd: string | null | undefined): string | null {
  const colon = entrypoint.lastIndexOf(":");
  const file = colon > 0 ? entrypoint.slice(0, colon) : entrypoint;
  try {
    return createHash("sha256").update(readFileSync(resolve(cwd ?? process.cwd(), file))).digest("hex");
  } catch {
    return null;
  }
}
