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
