/** A result kept by the server's `server` result store, as its listing shows it. */
export interface StoredResult {
  key: string;
  sizeBytes: number;
  /** ISO time of the (last) write. */
  createdAt: string;
}

/** A page of stored results, by key; `nextAfter` continues the listing (null at its end). */
export interface StoredResultPage {
  items: StoredResult[];
  nextAfter: string | null;
}
