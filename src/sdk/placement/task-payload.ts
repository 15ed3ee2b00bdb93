/**
 * An item's arguments and outcome as they travel through a task queue: JSON text kept in the row
 * when it is at most MAX_INLINE_TASK_PAYLOAD_BYTES (64 KiB), else written to result storage under
 * a fresh key (`task-queue-<uuid>.json`) and replaced in the row by
 * `{"stored": {"store", "key", "bytes"}}`. The writer names the store it used, so the reader (the
 * task worker for arguments, the calling flow for outcomes) reads from the same place.
 *
 * The store is the task's `resultStorage`, else `WEIR_RESULT_STORAGE`, else `server`: the
 * orchestration API itself, which both sides of a queue already share (over `WEIR_API_URL`, or
 * the database they both connect to). A store named by a path or `local` must be the same
 * directory on both machines (a shared volume) for a remote task worker to use it.
 */
import { MAX_INLINE_TASK_PAYLOAD_BYTES } from "../../core/task-queue.js";
import { WeirError } from "../../core/weir-error.js";
import type { ResultStore } from "../results/result-store.js";
import { resultStoreFor, storeNamed, type ResultStorageOption } from "../results/result-store-for.js";

/** Where a payload too large for the row was written. */
export interface StoredPayload {
  store: string;
  key: string;
  bytes: number;
}

/** A payload ready for the row: its text, and where it was stored (null when inline). */
export interface PackedPayload {
  text: string;
  stored: StoredPayload | null;
}

/** The store payloads of a task go to (see file header). */
export function payloadStorage(taskStorage: ResultStorageOption | null, env: NodeJS.ProcessEnv = process.env): ResultStorageOption {
  return taskStorage ?? (env.WEIR_RESULT_STORAGE || "server");
}

/** Keep `json` inline when it is small enough, else write it to the store and return the reference. */
export async function packPayload(json: string, storage: ResultStorageOption): Promise<PackedPayload> {
  const data = Buffer.from(json, "utf8");
  if (data.byteLength <= MAX_INLINE_TASK_PAYLOAD_BYTES) return { text: json, stored: null };
  const store = resultStoreFor(storage);
  const stored: StoredPayload = { store: store.url, key: `task-queue-${crypto.randomUUID()}.json`, bytes: data.byteLength };
  await store.write(stored.key, data);
  return { text: JSON.stringify({ stored }), stored };
}

/** The value of a payload read from a row (from its store when it was stored), and where it was stored. */
export async function readPayload(text: string, storage: ResultStorageOption): Promise<{ value: unknown; stored: StoredPayload | null }> {
  const parsed = JSON.parse(text) as unknown;
  const stored = storedPayloadOf(parsed);
  if (stored === null) return { value: parsed, stored: null };
  const data = await storeOf(stored, storage).read(stored.key);
  return { value: JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString("utf8")), stored };
}

/** Remove a stored payload once nobody needs it (errors are the caller's to ignore). */
export async function discardPayload(stored: StoredPayload, storage: ResultStorageOption): Promise<void> {
  await storeOf(stored, storage).delete(stored.key);
}

/** The reference a payload holds, or null when it is inline. */
export function storedPayloadOf(parsed: unknown): StoredPayload | null {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed) || !("stored" in parsed)) return null;
  const candidate = parsed.stored as Partial<StoredPayload> | null;
  if (typeof candidate?.store !== "string" || typeof candidate.key !== "string" || typeof candidate.bytes !== "number") {
    throw new WeirError("BAD_REQUEST", "a task-queue payload names a stored value without its store, key and size");
  }
  return { store: candidate.store, key: candidate.key, bytes: candidate.bytes };
}

// The task's own store object when the payload names it (a custom store), else the store its URL names.
function storeOf(stored: StoredPayload, storage: ResultStorageOption): ResultStore {
  return typeof storage === "object" && storage.url === stored.store ? storage : storeNamed(stored.store);
}
