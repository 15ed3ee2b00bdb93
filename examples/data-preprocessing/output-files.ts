/**
 * Files a step writes, recorded with the SHA-256 of their content. A step returns them in its
 * result, which does two things for the cache:
 * - the step's cache entry is used only while its files are intact (`isIntact`, given as the
 *   task's `cache.isValid`): delete or change one and the step runs again;
 * - the next step's cache key hashes its inputs, hashes included: when a step that ran again
 *   wrote the same bytes, the steps after it stay cached; when it wrote different bytes, they run.
 */
import { existsSync, statSync } from "node:fs";
import { hashFile } from "./data-source.js";

/** A file a step wrote. */
export interface OutputFile {
  path: string;
  sha256: string;
  bytes: number;
}

/** Record a file just written. */
export async function recordOutput(path: string): Promise<OutputFile> {
  return { path, ...(await hashFile(path)) };
}

/** Whether every file is still there with the content that was recorded (size first: cheap). */
export async function isIntact(files: readonly OutputFile[]): Promise<boolean> {
  for (const file of files) {
    if (!existsSync(file.path) || statSync(file.path).size !== file.bytes) return false;
    if ((await hashFile(file.path)).sha256 !== file.sha256) return false;
  }
  return true;
}
