/**
 * A worker's cache of pulled code and installed dependencies: one directory per key under a root
 * (`$WEIR_HOME/code/<key>`, `$WEIR_HOME/deps/<key>`), filled once and never changed after. A
 * directory is filled under a temporary name beside it and renamed into place, which is atomic:
 * two runs (or two workers sharing the home) that fill the same key at once both succeed, one
 * rename wins and the other's copy is thrown away, and a worker killed mid-fill leaves only a
 * temporary directory, never a half-filled entry.
 */
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import { join } from "node:path";

/** Fills a new cache entry in `dir` (an empty directory that becomes the entry). */
export type FillCacheEntry = (dir: string) => Promise<void>;

// Fills of one key in this process share one promise: the second run waits for the first.
const inFlight = new Map<string, Promise<string>>();

/** The path of cache entry `key` under `root`, filled by `fill` if it is not there yet (`isNew`: this call filled it). */
export async function cachedDirectory(root: string, key: string, fill: FillCacheEntry): Promise<{ path: string; isNew: boolean }> {
  const path = join(root, key);
  if (existsSync(path)) return { path, isNew: false };
  const running = inFlight.get(path);
  if (running) return { path: await running, isNew: false };
  const filling = fillEntry(root, path, fill);
  inFlight.set(path, filling);
  try {
    await filling;
    return { path, isNew: true };
  } finally {
    inFlight.delete(path);
  }
}

async function fillEntry(root: string, path: string, fill: FillCacheEntry): Promise<string> {
  await mkdir(root, { recursive: true, mode: 0o700 });
  const temporary = join(root, `.tmp-${randomUUID()}`);
  await mkdir(temporary);
  try {
    await fill(temporary);
    try {
      await rename(temporary, path);
    } catch (error) {
      // Another process filled the same key first: its entry is as good as ours.
      if (!existsSync(path)) throw error;
    }
    return path;
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}
