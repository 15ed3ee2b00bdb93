/**
 * Step 1a: fingerprint. Resolves the `source` parameter, downloads it when it is a URL, and
 * hashes its bytes; everything downstream is cached on that hash. A local file (or bundled table)
 * is fingerprinted again only when its size or modification time changes, as `make` would see it:
 * the cache key includes them. A URL is downloaded on every run (its key function returns null,
 * so that call is never cached): the download is how a change is seen.
 */
import { statSync } from "node:fs";
import { cacheKey, inputs, task, taskSource } from "weirflow";
import { materializeSource, tryResolveSource, type MaterializedSource } from "../data-source.js";
import { downloadDir } from "../work-dirs.js";

/** Size and modification time of a local source; null (not cached) for a URL or a source that does not resolve. */
export function localFileStamp(source: string): string | null {
  const resolved = tryResolveSource(source);
  if (typeof resolved === "string" || resolved.kind === "url") return null;
  const stat = statSync(resolved.location, { bigint: true });
  return `${resolved.location}:${stat.size}:${stat.mtimeNs}`;
}

/** Resolve, download if remote, and hash a source. */
export const fingerprintSource = task(
  {
    name: "fingerprint-source",
    description: "Resolve, download and hash the source",
    retries: 2,
    retryDelaySeconds: [2, 10],
    cache: { policy: inputs.and(taskSource, cacheKey((_context, [source]) => localFileStamp(String(source)))) },
  },
  async (source: string, outputDir: string): Promise<MaterializedSource> => {
    const resolved = tryResolveSource(source);
    if (typeof resolved === "string") throw new Error(`source: ${resolved}`);
    return materializeSource(resolved, downloadDir(outputDir));
  },
);
