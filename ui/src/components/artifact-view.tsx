/** Renders one artifact by type: markdown, table, link, progress or image. */
import type { Artifact } from "../../../src/core/models.js";
import { DataTable } from "./data-table.js";
import { MarkdownView } from "./markdown-view.js";

function TableData({ data }: { data: unknown }) {
  let columns: string[] = [];
  let rows: unknown[][] = [];
  if (Array.isArray(data)) {
    const objects = data.filter((row): row is Record<string, unknown> => typeof row === "object" && row !== null);
    columns = [...new Set(objects.flatMap((row) => Object.keys(row)))];
    rows = objects.map((row) => columns.map((column) => row[column]));
  } else if (data && typeof data === "object" && "columns" in data && "rows" in data) {
    const table = data as { columns: unknown[]; rows: unknown[][] };
    columns = table.columns.map(String);
    rows = table.rows;
  }
  if (columns.length === 0) return <pre>{JSON.stringify(data, null, 2)}</pre>;
  return (
    <div className="table-scroll">
      <DataTable columns={columns}>
        {rows.slice(0, 500).map((row, r) => (
          <tr key={r}>{row.map((cell, c) => <td key={c}>{typeof cell === "object" ? JSON.stringify(cell) : String(cell ?? "")}</td>)}</tr>
        ))}
      </DataTable>
    </div>
  );
}

function safeHref(url: unknown): string | null {
  return typeof url === "string" && /^(https?:|\/)/i.test(url) ? url : null;
}

/** One artifact's body. */
export function ArtifactView({ artifact }: { artifact: Artifact }) {
  const { data } = artifact;
  switch (artifact.type) {
    case "markdown":
      return <MarkdownView text={typeof data === "string" ? data : JSON.stringify(data)} />;
    case "table":
      return <TableData data={data} />;
    case "link": {
      const link = (data ?? {}) as { url?: unknown; text?: unknown };
      const href = safeHref(link.url);
      const text = typeof link.text === "string" ? link.text : String(link.url ?? "");
      return href ? <a href={href} target="_blank" rel="noopener noreferrer">{text}</a> : <span>{text}</span>;
    }
    case "progress": {
      const value = Math.max(0, Math.min(100, Number(data) || 0));
      return (
        <div className="progress" role="progressbar" aria-valuenow={value} aria-valuemin={0} aria-valuemax={100}>
          <div className="progress-bar" style={{ width: `${value}%` }} />
          <span>{value.toFixed(0)}%</span>
        </div>
      );
    }
    case "image": {
      const href = safeHref((data as { url?: unknown } | null)?.url);
      return href ? <img className="artifact-image" src={href} alt={artifact.description ?? artifact.key ?? "artifact"} /> : null;
    }
  }
}
