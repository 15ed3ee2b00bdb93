/** A run form generated from a parameter JSON Schema, with a message under each bad field. */
import { useState } from "react";
import { initialText, parseFields, schemaFields, type SchemaField } from "../lib/json-schema-fields.js";

/** Props of the parameter form. */
export interface ParameterFormProps {
  schema: Record<string, unknown> | null;
  defaults: Record<string, unknown>;
  /** Field errors from the server (422), by field name; "" for the whole form. */
  serverErrors: Record<string, string>;
  isSubmitting: boolean;
  onSubmit(values: Record<string, unknown>): void;
  onCancel(): void;
  /** The form's heading. @default "Custom run" */
  title?: string;
  /** The submit button's text (and while submitting). @default ["Start run", "Starting…"] */
  submitLabels?: readonly [string, string];
  /** The form's test id. @default "custom-run-form" */
  testId?: string;
}

function FieldInput({ field, value, onChange }: { field: SchemaField; value: string; onChange(value: string): void }) {
  const id = `param-${field.name}`;
  switch (field.kind) {
    case "boolean":
      return <input id={id} name={field.name} type="checkbox" checked={value === "true"} onChange={(e) => onChange(String(e.target.checked))} />;
    case "enum":
      return (
        <select id={id} name={field.name} value={value} onChange={(e) => onChange(e.target.value)}>
          <option value="" />
          {field.options.map((o) => <option key={o}>{o}</option>)}
        </select>
      );
    case "json":
      return <textarea id={id} name={field.name} rows={3} value={value} onChange={(e) => onChange(e.target.value)} />;
    case "number":
    case "integer":
    case "string":
      return <input id={id} name={field.name} inputMode={field.kind === "string" ? "text" : "decimal"} value={value} onChange={(e) => onChange(e.target.value)} />;
  }
}

/** The custom run form. */
export function ParameterForm({ schema, defaults, serverErrors, isSubmitting, onSubmit, onCancel, title = "Custom run", submitLabels = ["Start run", "Starting…"], testId = "custom-run-form" }: ParameterFormProps) {
  const fields = schemaFields(schema);
  const [rawJson, setRawJson] = useState(() => JSON.stringify(defaults, null, 2));
  const [texts, setTexts] = useState<Record<string, string>>(() => Object.fromEntries(fields.map((f) => [f.name, initialText(f, defaults[f.name])])));
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const errors = { ...serverErrors, ...localErrors };
  const submit = (): void => {
    if (fields.length === 0) {
      try {
        const parsed: unknown = JSON.parse(rawJson || "{}");
        if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new Error("not an object");
        setLocalErrors({});
        onSubmit(parsed as Record<string, unknown>);
      } catch {
        setLocalErrors({ "": "The values must be a JSON object" });
      }
      return;
    }
    const { values, errors: parseErrors } = parseFields(fields, texts);
    setLocalErrors(parseErrors);
    if (Object.keys(parseErrors).length === 0) onSubmit(values);
  };
  return (
    <form className="card param-form" data-testid={testId} noValidate onSubmit={(e) => { e.preventDefault(); submit(); }}>
      <h3>{title}</h3>
      {fields.length === 0 ? (
        <label>Parameters (JSON)<textarea name="parameters" rows={5} value={rawJson} onChange={(e) => setRawJson(e.target.value)} /></label>
      ) : (
        fields.map((field) => (
          <div className="field" key={field.name}>
            <label htmlFor={`param-${field.name}`}>{field.label}{field.isRequired ? " *" : ""}</label>
            <FieldInput field={field} value={texts[field.name] ?? ""} onChange={(value) => {
              setTexts((t) => ({ ...t, [field.name]: value }));
              setLocalErrors((e) => ({ ...e, [field.name]: "" }));
            }} />
            {field.description ? <div className="muted small">{field.description}</div> : null}
            {errors[field.name] ? <div className="field-error" data-testid={`field-error-${field.name}`}>{field.label} {errors[field.name]}</div> : null}
          </div>
        ))
      )}
      {errors[""] ? <div className="field-error" data-testid="field-error">{errors[""]}</div> : null}
      {Object.entries(serverErrors).filter(([k]) => k && !fields.some((f) => f.name === k)).map(([k, m]) => (
        <div className="field-error" key={k}>{k} {m}</div>
      ))}
      <div className="row">
        <button type="submit" disabled={isSubmitting}>{isSubmitting ? submitLabels[1] : submitLabels[0]}</button>
        <button type="button" className="ghost" onClick={onCancel}>Close</button>
      </div>
    </form>
  );
}
