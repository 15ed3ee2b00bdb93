/**
 * Step 7: publish. Writes the run's manifest and quality report next to its splits, then renames
 * the staging folder to `<outputDir>/<version>` in one step and points `latest.json` at it. Until
 * that rename nothing under the version's name exists, so a failed run never leaves an output that
 * looks complete.
 */
import { createHash } from "node:crypto";
import { readFileSync, statSync } from "node:fs";
import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { task } from "weirflow";
import { versionDir, writeFileAtomically } from "../work-dirs.js";

/** What the manifest of a run records. */
export interface RunManifest {
  version: string;
  flowRunId: string | null;
  createdAt: string;
  parameters: Record<string, unknown>;
  source: { name: string; kind: string; location: string; sha256: string; bytes: number };
  rowCounts: Record<string, number>;
  features: { scaled: string[]; discrete: string[]; categoryLevels: Record<string, string[]> };
  scalers: { feature: string; mean: number; std: number }[];
}

/** A published version. */
export interface PublishedOutputs {
  version: string;
  dir: string;
  /** File name → { bytes, sha256 }. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Finish a run's outputs and move them into place atomically. */
export const publishOutputs = task(
  { name: "publish-outputs", description: "Manifest, quality report, atomic rename into place" },
  async (outputDir: string, stagingDir: string, manifest: RunManifest, qualityReport: unknown): Promise<PublishedOutputs> => {
    await writeFile(join(stagingDir, "quality-report.json"), `${JSON.stringify(qualityReport, null, 2)}\n`);
    const files: PublishedOutputs["files"] = {};
    for (const name of (await readdir(stagingDir)).sort()) {
      const content = readFileSync(join(stagingDir, name));
      files[name] = { bytes: statSync(join(stagingDir, name)).size, sha256: createHash("sha256").update(content).digest("hex") };
    }
    const manifestJson = `${JSON.stringify({ ...manifest, files }, null, 2)}\n`;
    await writeFile(join(stagingDir, "manifest.json"), manifestJson);
    files["manifest.json"] = { bytes: Buffer.byteLength(manifestJson), sha256: createHash("sha256").update(manifestJson).digest("hex") };
    const dir = versionDir(outputDir, manifest.version);
    await mkdir(outputDir, { recursive: true });
    await rename(stagingDir, dir);
    await writeFileAtomically(join(outputDir, "latest.json"), `${JSON.stringify({ version: manifest.version, dir }, null, 2)}\n`);
    return { version: manifest.version, dir, files };
  },
);
