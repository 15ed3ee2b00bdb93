/**
 * Persisted results: JSON files under `$WEIR_HOME/storage` (default ~/.weir/storage), referenced
 * from states by storage key. Used by caching and `persistResult`. Results may hold anything a
 * run computed, so the folders Weir creates are its owner's only (0700) and every file is 0600;
 * a folder that already exists (one the user made) keeps its mode.
 */
import { mkdir, readFile, writeFile, rename } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import type { ResultRef } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { assertSerializable } from "./assert-serializable.js";

/** The folder results are stored in: WEIR_RESULT_STORAGE, else `$WEIR_HOME/storage`. */
export function resultStorageDir(): string {
  return process.env.WEIR_RESULT_STORAGE ?? join(process.env.WEIR_HOME ?? join(homedir(), ".weir"), "storage");
}

/** Persist a value as JSON and return its reference; NOT_SERIALIZABLE when it cannot be stored. */
export async function persistResult(value: unknown, what: string): Promise<ResultRef> {
  assertSerializable(value, what, "result");
  const storageKey = `${crypto.randomUUID()}.json`;
  const dir = resultStorageDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, storageKey);
  // Write then rename, so a reader never sees half a file.
  await writeFile(`${path}.tmp`, JSON.stringify({ value: value === undefined ? null : value, isUndefined: value === undefined }), { mode: 0o600 });
  await rename(`${path}.tmp`, path);
  return { kind: "stored", storageKey, serializer: "json" };
}

/** Read a result back from its reference. */
export async function readResult(ref: ResultRef): Promise<unknown> {
  if (ref.kind === "inline") return ref.value;
  let text: string;
  try {
    text = await readFile(join(resultStorageDir(), ref.storageKey), "utf8");
  } catch (error) {
    throw new WeirError("NOT_FOUND", `persisted result '${ref.storageKey}' is missing from ${resultStorageDir()}`, { cause: error });
  }
  const parsed = JSON.parse(text) as { value: unknown; isUndefined?: boolean };
  return parsed.isUndefined === true ? undefined : parsed.value;
}
