/**
 * Variables: named JSON values shared across runs; set, edit and delete. A secret variable
 * shows as `****` with a "secret" badge: the API never gives its value (only runs read it), so
 * editing one sets a new value into an empty field and never shows the old one.
 */
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

function parseValue(value: string): unknown {
  try {
    return value.trim() === "" ? "" : JSON.parse(value);
  } catch {
    // Plain text is stored as a string.
    return value;
  }
}

/** The variables page. */
export function VariablesPage() {
  const variables = useQuery({ queryKey: ["variables"], queryFn: ({ signal }) => api<Page<Variable>>("/variables", { query: { limit: 1000 }, signal }).then((r) => r.items) });
  const [name, setName] = useState("");
  const [value, setValue] = useState("");
  const [isSecret, setIsSecret] = useState(false);
  const { error, act } = usePageAction([["variables"]]);
  const save = (): Promise<void> =>
    act(async () => {
      if (!name.trim()) throw new Error("name: must not be empty");
      await api(`/variables/${encodeURIComponent(name.trim())}`, { method: "PUT", body: { value: parseValue(value), isSecret } });
      setName("");
      setValue("");
      setIsSecret(false);
    });
  const edit = (variable: Variable): void => {
    setName(variable.name);
    setIsSecret(variable.isSecret);
    // A secret's value is never sent to the dashboard: editing it means typing a new one.
    setValue(variable.isSecret ? "" : JSON.stringify(variable.value));
  };
  return (
    <ListPage
      title="Variables"
      error={variables.error ?? error}
      items={variables.data}
      controls={
        <form className="row" onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <input aria-label="Variable name" placeholder="name" value={name} onChange={(e) => setName(e.target.value)} />
          <input
            aria-label="Variable value"
            type={isSecret ? "password" : "text"}
            autoComplete="off"
            placeholder={isSecret ? "new secret value" : "value (JSON or text)"}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
          <label className="row" title="Encrypted at rest, shown as ****, read in clear only inside runs">
            <input type="checkbox" aria-label="Secret" checked={isSecret} onChange={(e) => setIsSecret(e.target.checked)} /> secret
          </label>
          <button type="submit">Set variable</button>
        </form>
      }
      empty={
        <EmptyState title="No variables" command="weir variable set region eu-west-1">
          Variables hold configuration your flows read with Variables.get(); add --secret for passwords and tokens.
        </EmptyState>
      }
    >
      <DataTable testId="variables" columns={["Name", "Value", "Tags", "Updated", ""]}>
        {variables.data?.map((v) => (
          <tr key={v.id}>
            <td>{v.name}</td>
            <td>
              {v.isSecret ? (
                <>
                  <code>****</code> <span className="state-badge secret-badge" title="Encrypted at rest; only runs read its value">secret</span>
                </>
              ) : (
                <code>{JSON.stringify(v.value)}</code>
              )}
            </td>
            <td>{v.tags.join(", ")}</td>
            <td>{formatRelative(v.updatedAt)}</td>
            <td>
              <button type="button" className="ghost" aria-label={`Edit variable ${v.name}`} onClick={() => edit(v)}>{v.isSecret ? "Set new value" : "Edit"}</button>
              <button type="button" className="ghost danger" onClick={() => void act(() => api(`/variables/${encodeURIComponent(v.name)}`, { method: "DELETE" }))}>Delete</button>
            </td>
          </tr>
        ))}
      </DataTable>
    </ListPage>
  );
}
