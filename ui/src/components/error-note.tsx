/** A failed query or action, shown as one readable line. */
import { ApiError } from "../api/api-client.js";

/** Error message box (nothing when `error` is null). */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const text = error instanceof ApiError ? `${error.code}: ${error.message}` : error instanceof Error ? error.message : String(error);
  return (
    <div className="error-note" role="alert">
      {text}
    </div>
  );
}
