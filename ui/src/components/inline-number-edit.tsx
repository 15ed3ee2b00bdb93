/** A number shown in place (a priority, a concurrency limit) that turns into a small form when edited. */
import { useState } from "react";
import { ApiError } from "../api/api-client.js";
import { parseWholeNumber, type WholeNumberRule } from "../lib/parse-whole-number.js";

/** Props of an in-place number editor. */
export interface InlineNumberEditProps {
  value: number | null;
  rule: WholeNumberRule;
  /** What is edited, for screen readers and tests, e.g. "priority of queue fast". */
  subject: string;
  /** Save the parsed value (null: none); a rejection keeps the editor open with its message. */
  onSave(value: number | null): Promise<unknown>;
}

/** The value with an Edit button; while editing, an input with Save and Cancel (Enter and Escape). */
export function InlineNumberEdit({ value, rule, subject, onSave }: InlineNumberEditProps) {
  const [text, setText] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [isSaving, setIsSaving] = useState(false);
  const shown = value ?? "none";
  if (text === null) {
    return (
      <span className="inline-edit">
        <span data-testid="inline-value">{shown}</span>
        <button type="button" className="ghost tiny" aria-label={`Edit ${subject}`} title={`Edit ${subject}`} onClick={() => setText(value === null ? "" : String(value))}>Edit</button>
      </span>
    );
  }
  const cancel = (): void => {
    setText(null);
    setError(null);
  };
  const save = async (): Promise<void> => {
    const parsed = parseWholeNumber(text, rule);
    if (parsed.error !== null) return setError(parsed.error);
    setError(null);
    setIsSaving(true);
    try {
      await onSave(parsed.value);
      setText(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? `${caught.code}: ${caught.message}` : caught instanceof Error ? caught.message : String(caught));
    } finally {
      setIsSaving(false);
    }
  };
  return (
    <form className="inline-edit editing" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <input
        aria-label={subject}
        value={text}
        size={6}
        inputMode="numeric"
        placeholder={rule.isOptional ? "none" : undefined}
        autoFocus
        aria-invalid={error ? true : undefined}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => { if (e.key === "Escape") cancel(); }}
      />
      <button type="submit" className="tiny" disabled={isSaving} aria-label={`Save ${subject}`}>Save</button>
      <button type="button" className="ghost tiny" onClick={cancel} aria-label={`Cancel editing ${subject}`}>Cancel</button>
      {error ? <div className="field-error" role="alert" data-testid="inline-error">{error}</div> : null}
    </form>
  );
}
