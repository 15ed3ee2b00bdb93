/**
 * Where persisted results live: a role interface with one variant per kind of storage (a local
 * or shared directory, the Weir server's database, an S3 bucket). A store keeps opaque bytes
 * under a key; serializing a value is the serializer's job (result-serializer.ts).
 */

/** A place results are written to and read from, by key. */
export interface ResultStore {
  /** The store's address as recorded in a run's state: `file:///dir`, `server`, `s3://bucket/prefix`. */
  readonly url: string;
  /** Store bytes under a key, atomically: a reader sees all of them or none. */
  write(key: string, data: Uint8Array): Promise<void>;
  /** The bytes under a key; NOT_FOUND when there are none. */
  read(key: string): Promise<Uint8Array>;
  /** Remove a key (no error when it is absent). */
  delete(key: string): Promise<void>;
  /** Every key with its size, for `weir storage ls`. */
  list(): Promise<StoredResultInfo[]>;
}

/** One stored result as a listing shows it. */
export interface StoredResultInfo {
  key: string;
  sizeBytes: number;
  /** ISO time of the write, when the store knows it. */
  modifiedAt: string | null;
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

/** Whether a string may be a result key: letters, digits, `.`, `_`, `-` (never a path). */
export function isResultKey(key: string): boolean {
  return KEY_PATTERN.test(key) && !key.includes("..");
}
