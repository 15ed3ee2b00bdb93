/**
 * Step 1a: fingerprint. Resolves the `source` parameter, downloads it when it is a URL, and
 * hashes its bytes. Never cached: this is how a changed source is noticed; everything
 * downstream is cached on the hash it returns.
 */
import { task } from "weirflow";
import { materializeSource, tryResolveSource, type MaterializedSource } from "../data-source.js";
import { downloadDir } from "../work-dirs.js";

/** Resolve, download if remote, and hash a source. */
export const fingerprintSource = task(
  { name: "fingerprint-source", description: "Resolve, download and hash the source", retries: 2, retryDelaySeconds: [2, 10] },
  async (source: string, outputDir: string): Promise<MaterializedSource> => {
    const resolved = tryResolveSource(source);
    if (typeof resolved === "string") throw new Error(`source: ${resolved}`);
    return materializeSource(resolved, downloadDir(outputDir));
  },
);
