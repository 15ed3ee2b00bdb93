/** Variables: named JSON values shared across runs; set, edit and delete. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { Page } from "../../../src/core/api-types.js";
import type { Variable } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { usePageAction } from "../api/use-page-action.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

/** The variables page. */
export function VariablesPage() {
  const variables = useQuery({ queryKey: ["variables"], queryFn: ({ signal }) => api<Page<Variable>>("/variables", { query: { limit: 1000 }, signal }).then((r) => r.items) });
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const { error, act } = usePageAction([["variables"]]);
  const save = (): Promise<void> =>
    act(async () => {
      let parsed: unknown;
      try {
        parsed = value.trim() === "" ? "" : JSON.parse(value);
      } catch {
        // Plain text is stored as a string.
        parsed = value;
      }
      if (!name.trim()) throw new Error("name: must not be empty");
      await api(`/variables/${encodeURIComponent(name.trim())}`, { method: "PUT", body: { value: parsed } });
      setName("");
      setValue("");
    });
  return (
    <ListPage
      title="Variables"
      error={variables.error ?? error}
      items={variables.data}
      controls={
        <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <input aria-label="Variable name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} />
          <input aria-label="Variable value" placeholder='value (JSON or text)' value={value} onChange={(e) => setValue(e.target.value)} />
          <button type="submit">Set variable</button>
        </form>
      }
      empty={
        <EmptyState title="No variables" command="weir variable set region eu-west-1">
          Variables hold configuration your flows read with getVariable().
        </EmptyState>
      }
    >
      <DataTable testId="variables" columns={["Name", "Value", "Tags", "Updated", ""]}>
        {variables.data?.map((v) => (
          <tr key={v.id}>
            <td>{v.name}</td>
            <td><code>{JSON.stringify(v.value)}</code></td>
            <td>{v.tags.join(", ")}</td>
            <td>{formatRelative(v.updatedAt)}</td>
            <td>
              <button type="button" className="ghost" onClick={() => { setName(v.name); setValue(JSON.stringify(v.value)); }}>Edit</button>
              <button type="button" className="ghost danger" onClick={() => void act(() => api(`/variables/${encodeURIComponent(v.name)}`, { method: "DELETE" }))}>Delete</button>
            </td>
          </tr>
        ))}
      </DataTable>
    </ListPage>
  );
}
