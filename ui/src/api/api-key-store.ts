/**
 * The API key of this browser session: kept in sessionStorage only (never localStorage), asked
 * for once when the server answers 401, through the prompt component that registers itself here.
 */
const STORAGE_KEY = "weir.apiKey";

type KeyRequester = () => Promise<string | null>;

let requester: KeyRequester | null = null;
let pending: Promise<string | null> | null = null;

/** Read, set and ask for the session's API key. */
export const apiKeyStore = {
  /** The stored key, if any. */
  get(): string | null {
    return sessionStorage.getItem(STORAGE_KEY);
  },
  /** Store (or with null, forget) the key. */
  set(key: string | null): void {
    if (key) sessionStorage.setItem(STORAGE_KEY, key);
    else sessionStorage.removeItem(STORAGE_KEY);
  },
  /** Install the UI that asks the person for a key. */
  setRequester(next: KeyRequester | null): void {
    requester = next;
  },
  /** Ask for a key once (concurrent 401s share one prompt); true when a key was given. */
  async requestKey(): Promise<boolean> {
    if (!requester) return false;
    pending ??= requester().finally(() => {
      pending = null;
    });
    const key = await pending;
    if (key) this.set(key);
    return Boolean(key);
  },
};
