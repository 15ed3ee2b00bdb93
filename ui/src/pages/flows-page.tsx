/** All flows, with links to their runs and deployments. */
import { Link } from "react-router";
import { useDeployments, useFlows } from "../api/queries.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

/** The flows page. */
export function FlowsPage() {
  const flows = useFlows();
  const deployments = useDeployments();
  return (
    <ListPage
      title="Flows"
      error={flows.error}
      items={flows.data}
      empty={
        <EmptyState title="No flows yet" command="weir run path/to/file.ts:myFlow">
          A flow appears here the first time it runs or is deployed.
        </EmptyState>
      }
    >
      <DataTable testId="flows" columns={["Flow", "Deployments", "Tags", "Updated"]}>
        {flows.data?.map((f) => (
          <tr key={f.id}>
            <td><Link to={`/runs?flow=${encodeURIComponent(f.name)}`}>{f.name}</Link>{f.description ? <div className="muted small">{f.description}</div> : null}</td>
            <td>{deployments.data?.filter((d) => d.flowName === f.name).map((d) => <Link key={d.id} className="pill" to={`/deployments/${d.id}`}>{d.name}</Link>)}</td>
            <td>{f.tags.join(", ")}</td>
            <td>{formatRelative(f.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
    </ListPage>
  );
}
