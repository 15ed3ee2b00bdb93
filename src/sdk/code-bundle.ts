/**
 * `pull: { bundle: true }`: `weir deploy` packs the project folder into a gzipped tar archive and
 * uploads it to the server's result store, where workers download it (src/worker/code-pull.ts).
 * What goes in: every file git would track, by the `.gitignore` files of the folder and its
 * subfolders, without `.git/` and `node_modules/` (workers install dependencies from the
 * lockfile, which always goes in). The archive is deterministic (sorted entries, no owners or
 * times), so unchanged code packs to the same bytes, and its SHA-256 is its version: deploying
 * unchanged code again changes nothing on the workers.
 */
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, sep } from "node:path";
import ignore, { type Ignore } from "ignore";
import { create } from "tar";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import { codeBundleKey } from "../core/code-bundle-key.js";
import { isWeirError, WeirError } from "../core/weir-error.js";

/** A packed code bundle. */
export interface CodeBundle {
  /** SHA-256 of `bytes`, 64 hex digits: the bundle's version. */
  hash: string;
  bytes: Buffer;
  /** The files packed, relative to the folder, sorted. */
  files: string[];
}

const ALWAYS_LEFT_OUT = new Set([".git", "node_modules"]);
const ALWAYS_PACKED = new Set(["package-lock.json"]);

interface Rules {
  base: string;
  rules: Ignore;
}

/** The files of `dir` a bundle holds (see file header), relative to it and sorted. */
export function bundleFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (folder: string, inherited: readonly Rules[]): void => {
    const gitignore = join(folder, ".gitignore");
    const rules = existsSync(gitignore) ? [...inherited, { base: folder, rules: ignore().add(readFileSync(gitignore, "utf8")) }] : inherited;
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      if (ALWAYS_LEFT_OUT.has(entry.name)) continue;
      const path = join(folder, entry.name);
      const isDir = entry.isDirectory();
      const isIgnored = rules.some(({ base, rules: r }) => r.ignores(relative(base, path).split(sep).join("/") + (isDir ? "/" : "")));
      if (isIgnored && !(folder === dir && ALWAYS_PACKED.has(entry.name))) continue;
      if (isDir) walk(path, rules);
      else if (entry.isFile()) files.push(relative(dir, path).split(sep).join("/"));
    }
  };
  walk(dir, []);
  return files.sort();
}

/** Pack the folder `dir` into a bundle (see file header). */
export async function packCodeBundle(dir: string): Promise<CodeBundle> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new WeirError("NOT_FOUND", `cannot bundle ${dir}: no such folder`);
  const files = bundleFiles(dir);
  if (files.length === 0) throw new WeirError("BAD_REQUEST", `cannot bundle ${dir}: it has no files to pack (all ignored?)`);
  const chunks: Buffer[] = [];
  const stream = create({ cwd: dir, gzip: { level: 9 }, portable: true, noMtime: true, noDirRecurse: true }, files);
  for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  const bytes = Buffer.concat(chunks);
  return { hash: createHash("sha256").update(bytes).digest("hex"), bytes, files };
}

/** Upload `bundle` to the server's result store (a bundle already there is stored again, harmlessly). */
export async function uploadCodeBundle(client: OrchestrationApi, bundle: CodeBundle): Promise<void> {
  try {
    await client.putResult(codeBundleKey(bundle.hash), bundle.bytes);
  } catch (error) {
    if (isWeirError(error) && error.code === "PAYLOAD_TOO_LARGE") {
      throw new WeirError("PAYLOAD_TOO_LARGE", `the code bundle is ${bundle.bytes.byteLength} bytes, more than the server stores (its WEIR_RESULT_MAX_BYTES); leave large files out with .gitignore`, { cause: error });
    }
    throw error;
  }
}
