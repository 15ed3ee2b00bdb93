/**
 * Step 7: publish. Copies the finished splits into a staging folder, writes the manifest and the
 * quality report next to them, then renames the folder to `<outputDir>/<version>` in one step and
 * points `latest.json` at it. Until that rename nothing under the version's name exists, so a
 * failed run never leaves an output that looks complete.
 *
 * Cached on its inputs (the splits' content hashes, the manifest's content, the quality report)
 * and its code while every file of the version is intact: a run whose data and parameters are
 * unchanged publishes no new version and returns the one already published (`latest.json` is then
 * left as it is). Delete or change a file of the version and the next run publishes a new one.
 */
import { randomUUID } from "node:crypto";
import { copyFile, mkdir, rename, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getRunContext, inputs, task, taskSource } from "weirflow";
import { isIntact, recordOutput, type OutputFile } from "../output-files.js";
import { stagingDir, versionDir, versionName, writeFileAtomically } from "../work-dirs.js";

/** What the manifest of a version records. */
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

/** The manifest as the flow knows it: the version, its run and its time are set when publishing. */
export type ManifestContent = Omit<RunManifest, "version" | "flowRunId" | "createdAt">;

/** A published version. */
export interface PublishedOutputs {
  version: string;
  dir: string;
  /** File name → { bytes, sha256 }. */
  files: Record<string, { bytes: number; sha256: string }>;
}

/** Copy the outputs into a new version folder, with manifest and quality report, moved into place atomically. */
export const publishOutputs = task(
  {
    name: "publish-outputs",
    description: "Manifest, quality report, atomic rename into place",
    cache: { policy: inputs.and(taskSource), isValid: ({ value }) => isIntact(filesOf(value)) },
  },
  async (outputDir: string, content: ManifestContent, qualityReport: unknown, outputs: Record<string, OutputFile>): Promise<PublishedOutputs> => {
    const createdAt = new Date();
    const flowRunId = getRunContext().flowRunId;
    const version = versionName(createdAt, flowRunId ?? randomUUID());
    const staging = stagingDir(outputDir, version);
    try {
      await mkdir(staging, { recursive: true });
      const files: PublishedOutputs["files"] = {};
      for (const [name, output] of Object.entries(outputs).sort(([a], [b]) => a.localeCompare(b))) {
        await copyFile(output.path, join(staging, name));
        files[name] = { bytes: output.bytes, sha256: output.sha256 };
      }
      await writeFile(join(staging, "quality-report.json"), `${JSON.stringify(qualityReport, null, 2)}\n`);
      const { bytes, sha256 } = await recordOutput(join(staging, "quality-report.json"));
      files["quality-report.json"] = { bytes, sha256 };
      const manifest: RunManifest = { version, flowRunId, createdAt: createdAt.toISOString(), ...content };
      await writeFile(join(staging, "manifest.json"), `${JSON.stringify({ ...manifest, files }, null, 2)}\n`);
      const written = await recordOutput(join(staging, "manifest.json"));
      files["manifest.json"] = { bytes: written.bytes, sha256: written.sha256 };
      const dir = versionDir(outputDir, version);
      await rename(staging, dir);
      await writeFileAtomically(join(outputDir, "latest.json"), `${JSON.stringify({ version, dir }, null, 2)}\n`);
      return { version, dir, files };
    } finally {
      // After the rename the staging folder is gone already; after a failure it goes now.
      await rm(staging, { recursive: true, force: true });
    }
  },
);

/** The files of a published version, with the content they were published with. */
export function filesOf(published: PublishedOutputs): OutputFile[] {
  return Object.entries(published.files).map(([name, file]) => ({ path: join(published.dir, name), ...file }));
}
