/** The dialog that asks for the API key once when the server answers 401 (kept in sessionStorage). */
import { useEffect, useRef, useState } from "react";
import { apiKeyStore } from "../api/api-key-store.js";

/** Registers itself as the key requester and shows a dialog while a key is needed. */
export function ApiKeyPrompt() {
  const [isOpen, setIsOpen] = useState(false);
  const [value, setValue] = useState("");
  const resolver = useRef<((key: string | null) => void) | null>(null);
  useEffect(() => {
    apiKeyStore.setRequester(
      () =>
        new Promise<string | null>((resolve) => {
          resolver.current = resolve;
          setIsOpen(true);
        }),
    );
    return () => apiKeyStore.setRequester(null);
  }, []);
  if (!isOpen) return null;
  const finish = (key: string | null): void => {
    setIsOpen(false);
    resolver.current?.(key);
    resolver.current = null;
  };
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        data-testid="api-key-prompt"
        onSubmit={(event) => {
          event.preventDefault();
          finish(value.trim() || null);
        }}
      >
        <h3>API key needed</h3>
        <p>This server requires an API key (WEIR_API_KEY). It is kept for this browser session only.</p>
        <input type="password" autoFocus value={value} onChange={(e) => setValue(e.target.value)} aria-label="API key" />
        <div className="row">
          <button type="submit">Continue</button>
          <button type="button" className="ghost" onClick={() => finish(null)}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
