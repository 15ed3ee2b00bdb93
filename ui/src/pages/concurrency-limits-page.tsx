/** Tag concurrency limits: slots in use, create and delete. */
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ConcurrencyLimit } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { usePageAction } from "../api/use-page-action.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";

/** The concurrency limits page. */
export function ConcurrencyLimitsPage() {
  const limits = useQuery({
    queryKey: ["concurrency-limits"],
    queryFn: ({ signal }) => api<{ items: ConcurrencyLimit[] }>("/concurrency-limits", { signal }).then((r) => r.items),
    refetchInterval: 10_000,
  });
  const [tag, setTag] = useState("");
  const [limit, setLimit] = useState("1");
  const { error, setError, act } = usePageAction([["concurrency-limits"]]);
  return (
    <ListPage
      title="Concurrency limits"
      error={limits.error ?? error}
      items={limits.data}
      controls={
        <form className="row" onSubmit={(e) => {
          e.preventDefault();
          const n = Number(limit);
          if (!tag.trim()) return setError(new Error("tag: must not be empty"));
          if (!Number.isInteger(n) || n < 0) return setError(new Error("limit: expected a whole number ≥ 0"));
          void act(() => api("/concurrency-limits", { method: "POST", body: { tag: tag.trim(), limit: n } }));
        }}>
          <input aria-label="Tag" placeholder="tag" value={tag} onChange={(e) => setTag(e.target.value)} />
          <input aria-label="Limit" value={limit} onChange={(e) => setLimit(e.target.value)} size={4} />
          <button type="submit">Create limit</button>
        </form>
      }
      empty={
        <EmptyState title="No concurrency limits" command="weir concurrency-limit create database 5">
          A limit on a tag lets at most N task runs carrying that tag run at once, across all flows.
        </EmptyState>
      }
    >
      <DataTable testId="concurrency-limits" columns={["Tag", "Slots in use", "Limit", ""]}>
        {limits.data?.map((l) => (
          <tr key={l.id}>
            <td>{l.tag}</td>
            <td><div className="progress small"><div className="progress-bar" style={{ width: `${l.limit ? Math.min(100, (l.activeSlots / l.limit) * 100) : 100}%` }} /><span>{l.activeSlots} / {l.limit}</span></div></td>
            <td>{l.limit}</td>
            <td><button type="button" className="ghost danger" onClick={() => void act(() => api(`/concurrency-limits/${encodeURIComponent(l.tag)}`, { method: "DELETE" }))}>Delete</button></td>
          </tr>
        ))}
      </DataTable>
    </ListPage>
  );
}
