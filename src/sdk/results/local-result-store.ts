/**
 * Results as files in a directory: the default `$WEIR_HOME/storage`, any directory named by
 * `WEIR_RESULT_STORAGE=/path`, or a shared file system as `file:///mnt/shared/…`. Written to a
 * temporary file then renamed, so a reader never sees half a result. Results may hold anything
 * a run computed, so the folders Weir creates are its owner's only (0700) and every file is 0600;
 * a folder that already exists (one the user made) keeps its mode.
 */
import { mkdir, readFile, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { WeirError } from "../../core/weir-error.js";
import { isResultKey, type ResultStore, type StoredResultInfo } from "./result-store.js";

/** A directory of result files. */
export class LocalResultStore implements ResultStore {
  readonly url: string;
  readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
    this.url = pathToFileURL(this.dir).href;
  }

  async write(key: string, data: Uint8Array): Promise<void> {
    const path = this.pathOf(key);
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temporary = `${path}.${process.pid}.${crypto.randomUUID()}.tmp`;
    try {
      await writeFile(temporary, data, { mode: 0o600 });
      await rename(temporary, path);
    } catch (error) {
      await rm(temporary, { force: true });
      throw new WeirError("INTERNAL", `cannot write result '${key}' to ${this.dir}: ${(error as Error).message}`, { cause: error });
    }
  }

  async read(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      throw new WeirError("NOT_FOUND", `persisted result '${key}' is missing from ${this.dir}`, { cause: error });
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true });
  }

  async list(): Promise<StoredResultInfo[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch {
      return [];
    }
    const infos: StoredResultInfo[] = [];
    for (const name of names.sort()) {
      if (name.endsWith(".tmp") || !isResultKey(name)) continue;
      const info = await stat(join(this.dir, name)).catch(() => null);
      if (info?.isFile()) infos.push({ key: name, sizeBytes: info.size, modifiedAt: info.mtime.toISOString() });
    }
    return infos;
  }

  private pathOf(key: string): string {
    if (!isResultKey(key)) throw new WeirError("VALIDATION", `result key '${key.slice(0, 100)}': expected letters, digits, '.', '_' or '-'`);
    return join(this.dir, key);
  }
}
