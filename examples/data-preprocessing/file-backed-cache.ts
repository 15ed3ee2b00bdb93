/**
 * Task cache policies of the pipeline. Keys hash the task's inputs (which carry the source's
 * content hash) and `PIPELINE_CACHE_VERSION`, bumped whenever a step's logic changes so old
 * results are not reused. Steps whose result names a file also hash the file's "epoch", a
 * random id kept next to it: when the file is missing (first run, or someone cleared the cache
 * folder), the epoch is renewed before the key is made, so the step misses the cache, runs,
 * rewrites the file, and stores its result under the key later runs will find.
 */
import { createHash, randomUUID } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";

/** Version of the steps' logic, part of every cache key. */
export const PIPELINE_CACHE_VERSION = "1";

/** A `task()` cache option. */
export interface PipelineCache {
  policy: (context: unknown, args: readonly unknown[]) => string;
}

/** Cached on inputs and the pipeline's cache version. */
export function versionedInputsCache(): PipelineCache {
  return { policy: (_context, args) => hashKey(args, "") };
}

/** Cached on inputs and the pipeline's cache version, and only while `outputFile(...args)` exists. */
export function fileBackedCache<A extends unknown[]>(outputFile: (...args: A) => string): PipelineCache {
  return {
    policy: (_context, args) => {
      const file = outputFile(...(args as A));
      const epochFile = `${file}.epoch`;
      if (!existsSync(file) || !existsSync(epochFile)) {
        mkdirSync(dirname(epochFile), { recursive: true });
        writeFileSync(epochFile, randomUUID());
      }
      return hashKey(args, readFileSync(epochFile, "utf8"));
    },
  };
}

function hashKey(args: readonly unknown[], epoch: string): string {
  return createHash("sha256").update(JSON.stringify([PIPELINE_CACHE_VERSION, epoch, args])).digest("hex");
}
