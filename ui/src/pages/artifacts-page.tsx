/** Artifacts across runs, filtered by type and key (kept in the URL), each rendered. */
import { useQuery } from "@tanstack/react-query";
import { Link, useSearchParams } from "react-router";
import type { Page } from "../../../src/core/api-types.js";
import type { Artifact } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { ArtifactView } from "../components/artifact-view.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

const TYPES = ["", "markdown", "table", "link", "progress", "image"];

/** The artifacts page. */
export function ArtifactsPage() {
  const [params, setParams] = useSearchParams();
  const type = params.get("type") ?? "";
  const key = params.get("key") ?? "";
  const artifacts = useQuery({
    queryKey: ["artifacts", "all", type, key],
    queryFn: ({ signal }) => api<Page<Artifact>>("/artifacts", { query: { type, key, limit: 100 }, signal }).then((r) => r.items),
  });
  const set = (name: string, value: string): void => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return (
    <ListPage
      title="Artifacts"
      error={artifacts.error}
      items={artifacts.data}
      controls={
        <div className="filters">
          <label>Type <select value={type} onChange={(e) => set("type", e.target.value)}>{TYPES.map((t) => <option key={t} value={t}>{t || "all"}</option>)}</select></label>
          <label>Key <input defaultValue={key} onKeyDown={(e) => e.key === "Enter" && set("key", e.currentTarget.value.trim())} onBlur={(e) => set("key", e.target.value.trim())} /></label>
        </div>
      }
      empty={
        <EmptyState title="No artifacts" command={'await createMarkdownArtifact({ key: "report", markdown: "# Done" })'}>
          Flows and tasks publish reports, tables, links and progress as artifacts.
        </EmptyState>
      }
    >
      <div className="artifacts" data-testid="artifacts">
        {artifacts.data?.map((a) => (
          <div className="card" key={a.id}>
            <div className="row">
              <strong>{a.key ?? "(no key)"}</strong><span className="pill">{a.type}</span>
              {a.flowRunId ? <Link to={`/runs/${a.flowRunId}`}>run</Link> : null}
              <span className="muted">{formatRelative(a.updatedAt)}</span>
            </div>
            {a.description ? <div className="muted">{a.description}</div> : null}
            <ArtifactView artifact={a} />
          </div>
        ))}
      </div>
    </ListPage>
  );
}
