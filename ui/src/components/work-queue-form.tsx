/** The "Add queue" form of one work pool: name, priority, optional concurrency limit. */
import { useState } from "react";
import type { WorkPool, WorkQueue } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { ErrorNote } from "./error-note.js";
import { ConcurrencyLimitField, CreateButtons, FormField } from "./form-field.js";
import { CONCURRENCY_LIMIT_RULE, parseWholeNumber, PRIORITY_RULE } from "../lib/parse-whole-number.js";
import { useFormSubmit } from "../api/use-form-submit.js";

/** Props of the work queue form. */
export interface WorkQueueFormProps {
  pool: WorkPool;
  /** The priority offered first (after the pool's last queue). */
  suggestedPriority: number;
  /** Called with the created queue, or with null on Cancel. */
  onDone(queue: WorkQueue | null): void;
}

/** Add a queue to `pool` through `POST /api/work-pools/:name/queues`. */
export function WorkQueueForm({ pool, suggestedPriority, onDone }: WorkQueueFormProps) {
  const [name, setName] = useState("");
  const [priority, setPriority] = useState(String(suggestedPriority));
  const [limit, setLimit] = useState("");
  const form = useFormSubmit([["work-queues"]]);
  const save = async (): Promise<void> => {
    const parsedPriority = parseWholeNumber(priority, PRIORITY_RULE);
    const parsedLimit = parseWholeNumber(limit, CONCURRENCY_LIMIT_RULE);
    let created: WorkQueue | null = null;
    const isSaved = await form.submit(
      { name: name.trim() === "" ? "Name must not be empty" : null, priority: parsedPriority.error, concurrencyLimit: parsedLimit.error },
      async () => {
        created = await api<WorkQueue>(`/work-pools/${encodeURIComponent(pool.name)}/queues`, {
          method: "POST",
          body: { name: name.trim(), priority: parsedPriority.value ?? undefined, concurrencyLimit: parsedLimit.value },
        });
      },
    );
    if (isSaved) onDone(created);
  };
  return (
    <form className="inline-form nested" data-testid="work-queue-form" noValidate onSubmit={(e) => { e.preventDefault(); void save(); }}>
      <h4>New queue in {pool.name}</h4>
      <div className="form-fields">
        <FormField label="Queue name" name="name" value={name} onChange={setName} error={form.fieldErrors.name} placeholder="e.g. high-priority" autoFocus />
        <FormField label="Priority" name="priority" value={priority} onChange={setPriority} error={form.fieldErrors.priority} inputMode="numeric" size={8} hint="1 is served first" />
        <ConcurrencyLimitField value={limit} onChange={setLimit} error={form.fieldErrors.concurrencyLimit} />
      </div>
      <ErrorNote error={form.formError} />
      <CreateButtons what="queue" isSubmitting={form.isSubmitting} onCancel={() => onDone(null)} />
    </form>
  );
}
