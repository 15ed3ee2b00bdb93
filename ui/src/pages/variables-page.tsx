/** Variables: named JSON values shared across runs; set, edit and delete. */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { Page } from "../../../src/core/api-types.js";
import type { Variable } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorNote } from "../components/error-note.js";
import { formatRelative } from "../lib/format.js";

/** The variables page. */
export function VariablesPage() {
  const queryClient = useQueryClient();
  const variables = useQuery({ queryKey: ["variables"], queryFn: ({ signal }) => api<Page<Variable>>("/variables", { query: { limit: 1000 }, signal }).then((r) => r.items) });
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [error, setError] = useState<unknown>(null);
  const save = async (): Promise<void> => {
    setError(null);
    let parsed: unknown;
    try {
      parsed = value.trim() === "" ? "" : JSON.parse(value);
    } catch {
      // Plain text is stored as a string.
      parsed = value;
    }
    try {
      if (!name.trim()) throw new Error("name: must not be empty");
      await api(`/variables/${encodeURIComponent(name.trim())}`, { method: "PUT", body: { value: parsed } });
      setName("");
      setValue("");
    } catch (caught) {
      setError(caught);
    }
    await queryClient.invalidateQueries({ queryKey: ["variables"] });
  };
  return (
    <section className="page">
      <header className="page-header"><h2>Variables</h2></header>
      <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
        <input aria-label="Variable name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} />
        <input aria-label="Variable value" placeholder='value (JSON or text)' value={value} onChange={(e) => setValue(e.target.value)} />
        <button type="submit">Set variable</button>
      </form>
      <ErrorNote error={variables.error ?? error} />
      {variables.data?.length === 0 ? (
        <EmptyState title="No variables" command="weir variable set region eu-west-1">
          Variables hold configuration your flows read with getVariable().
        </EmptyState>
      ) : (
        <table className="data-table" data-testid="variables">
          <thead><tr><th>Name</th><th>Value</th><th>Tags</th><th>Updated</th><th /></tr></thead>
          <tbody>{variables.data?.map((v) => (
            <tr key={v.id}>
              <td>{v.name}</td>
              <td><code>{JSON.stringify(v.value)}</code></td>
              <td>{v.tags.join(", ")}</td>
              <td>{formatRelative(v.updatedAt)}</td>
              <td>
                <button type="button" className="ghost" onClick={() => { setName(v.name); setValue(JSON.stringify(v.value)); }}>Edit</button>
                <button type="button" className="ghost danger" onClick={async () => {
                  try {
                    await api(`/variables/${encodeURIComponent(v.name)}`, { method: "DELETE" });
                  } catch (caught) {
                    setError(caught);
                  }
                  await queryClient.invalidateQueries({ queryKey: ["variables"] });
                }}>Delete</button>
              </td>
            </tr>
          ))}</tbody>
        </table>
      )}
    </section>
  );
}
