/** One labelled text input of a small form, with its hint and the message under it when it is wrong. */
import { useId } from "react";

/** Props of a form field. */
export interface FormFieldProps {
  label: string;
  /** The field's key: names the input and its error (`field-error-<name>`). */
  name: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
  hint?: string;
  placeholder?: string;
  /** "numeric" brings up a number pad on phones; the value stays text and is checked on submit. */
  inputMode?: "text" | "numeric";
  size?: number;
  autoFocus?: boolean;
}

/** A `.field`: label, input, hint, error. */
export function FormField({ label, name, value, onChange, error, hint, placeholder, inputMode = "text", size, autoFocus }: FormFieldProps) {
  const id = useId();
  const errorId = `${id}-error`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={name}
        value={value}
        placeholder={placeholder}
        inputMode={inputMode}
        size={size}
        autoFocus={autoFocus}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? errorId : undefined}
        onChange={(e) => onChange(e.target.value)}
      />
      {hint ? <div className="muted small">{hint}</div> : null}
      {error ? <div className="field-error" id={errorId} data-testid={`field-error-${name}`}>{error}</div> : null}
    </div>
  );
}

/** The optional "Concurrency limit" field of the pool and queue forms (empty: no limit). */
export function ConcurrencyLimitField({ value, onChange, error }: Pick<FormFieldProps, "value" | "onChange" | "error">) {
  return (
    <FormField label="Concurrency limit" name="concurrencyLimit" value={value} onChange={onChange} error={error} placeholder="none" inputMode="numeric" size={8} hint="Runs at once; empty: no limit" />
  );
}

/** A create form's buttons: "Create <what>" (busy while submitting) and Cancel. */
export function CreateButtons({ what, isSubmitting, onCancel }: { what: string; isSubmitting: boolean; onCancel(): void }) {
  return (
    <div className="row">
      <button type="submit" disabled={isSubmitting}>{isSubmitting ? "Creating…" : `Create ${what}`}</button>
      <button type="button" className="ghost" onClick={onCancel}>Cancel</button>
    </div>
  );
}
