/** The "Create work pool" form: name, type, optional description and concurrency limit. */
import { useState } from "react";
import type { WorkPool } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { ErrorNote } from "./error-note.js";
import { ConcurrencyLimitField, CreateButtons, FormField } from "./form-field.js";
import { CONCURRENCY_LIMIT_RULE, parseWholeNumber } from "../lib/parse-whole-number.js";
import { useFormSubmit } from "../api/use-form-submit.js";

// The server's createWorkPool accepts only these types (it refuses any other with a 422).
const WORK_POOL_TYPES = [{ type: "process", hint: "each flow run in a child process of the worker" }] as const;

/** Props of the work pool form. */
export interface WorkPoolFormProps {
  /** Called with the created pool, or with null on Cancel. */
  onDone(pool: WorkPool | null): void;
}

/** Create a work pool through `POST /api/work-pools`. */
export function WorkPoolForm({ onDone }: WorkPoolFormProps) {
  const [name, setName] = useState("");
  const [type, setType] = useState<string>(WORK_POOL_TYPES[0].type);
  const [description, setDescription] = useState("");
  const [limit, setLimit] = useState("");
  const form = useFormSubmit([["work-pools"], ["work-queues"]]);
  const save = async (): Promise<void> => {
    const parsedLimit = parseWholeNumber(limit, CONCURRENCY_LIMIT_RULE);
    let created: WorkPool | null = null;
    const isSaved = await form.submit(
      { name: name.trim() === "" ? "Name must not be empty" : null, concurrencyLimit: parsedLimit.error },
      async () => {
        created = await api<WorkPool>("/work-pools", {
          method: "POST",
          body: { name: name.trim(), type, description: description.trim() || null, concurrencyLimit: parsedLimit.value },
        });
      },
    );
    if (isSaved) onDone(created);
  };
  return (
    <form className="card inline-form" data-testid="work-pool-form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h3>New work pool</h3>
      <div className="form-fields">
        <FormField label="Name" name="name" value={name} onChange={setName} error={form.fieldErrors.name} placeholder="e.g. etl" autoFocus />
        <div className="field">
          <label htmlFor="work-pool-type">Type</label>
          <select id="work-pool-type" name="type" value={type} onChange={(e) => setType(e.target.value)}>
            {WORK_POOL_TYPES.map((t) => <option key={t.type} value={t.type}>{t.type}</option>)}
          </select>
          <div className="muted small">{WORK_POOL_TYPES.find((t) => t.type === type)?.hint}</div>
        </div>
        <FormField label="Description" name="description" value={description} onChange={setDescription} error={form.fieldErrors.description} placeholder="optional" size={32} />
        <ConcurrencyLimitField value={limit} onChange={setLimit} error={form.fieldErrors.concurrencyLimit} />
      </div>
      <ErrorNote error={form.formError} />
      <CreateButtons what="pool" isSubmitting={form.isSubmitting} onCancel={() => onDone(null)} />
    </form>
  );
}
