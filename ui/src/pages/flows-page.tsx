/** All flows, with links to their runs and deployments. */
import { Link } from "react-router";
import { useDeployments, useFlows } from "../api/queries.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorNote } from "../components/error-note.js";
import { formatRelative } from "../lib/format.js";

/** The flows page. */
export function FlowsPage() {
  const flows = useFlows();
  const deployments = useDeployments();
  return (
    <section className="page">
      <header className="page-header"><h2>Flows</h2></header>
      <ErrorNote error={flows.error} />
      {flows.data?.length === 0 ? (
        <EmptyState title="No flows yet" command="weir run path/to/file.ts:myFlow">
          A flow appears here the first time it runs or is deployed.
        </EmptyState>
      ) : (
        <table className="data-table" data-testid="flows">
          <thead><tr><th>Flow</th><th>Deployments</th><th>Tags</th><th>Updated</th></tr></thead>
          <tbody>
            {flows.data?.map((f) => (
              <tr key={f.id}>
                <td><Link to={`/runs?flow=${encodeURIComponent(f.name)}`}>{f.name}</Link>{f.description ? <div className="muted small">{f.description}</div> : null}</td>
                <td>{deployments.data?.filter((d) => d.flowName === f.name).map((d) => <Link key={d.id} className="pill" to={`/deployments/${d.id}`}>{d.name}</Link>)}</td>
                <td>{f.tags.join(", ")}</td>
                <td>{formatRelative(f.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
