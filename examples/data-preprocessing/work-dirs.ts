/**
 * Where the pipeline keeps its files under the output directory:
 * - `.cache/<sha256 of the source>/`: the steps' files, reused across runs while their cache
 *   entries are (raw and cleaned data; `features-w<window>/` and, in it, `split-f<fraction>-s<seed>/`);
 * - `.cache/downloads/`: downloaded sources, named by the hash of their content;
 * - `.staging/<version>/`: a version while it is being written;
 * - `<version>/`: one run's finished outputs, renamed into place only when complete;
 * - `latest.json`: the newest finished version.
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { isAbsolute, join, resolve } from "node:path";

/** The absolute output directory of a run. */
export function resolveOutputDir(outputDir: string, cwd: string = process.cwd()): string {
  return isAbsolute(outputDir) ? outputDir : resolve(cwd, outputDir);
}

/** The work folder of one source (by its content hash). */
export function sourceCacheDir(outputDir: string, sha256: string): string {
  return join(outputDir, ".cache", sha256);
}

/** Where downloaded sources are kept. */
export function downloadDir(outputDir: string): string {
  return join(outputDir, ".cache", "downloads");
}

/** The folder a run writes into before it is complete. */
export function stagingDir(outputDir: string, version: string): string {
  return join(outputDir, ".staging", version);
}

/** The folder of a finished run's outputs. */
export function versionDir(outputDir: string, version: string): string {
  return join(outputDir, version);
}

/** A sortable, unique version name for a run: UTC time plus the end of the run id. */
export function versionName(now: Date, runId: string): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  // The end of the id: its random part (the start of a time-ordered UUID v7 repeats within a second).
  return `${stamp}-${runId.replaceAll("-", "").slice(-12)}`;
}

/** Write a file completely under a temporary name, then rename it into place. */
export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const partial = `${path}.${process.pid}.partial`;
  try {
    await writeFile(partial, content);
    await rename(partial, path);
  } finally {
    await rm(partial, { force: true });
  }
}
