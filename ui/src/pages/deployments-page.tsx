/** All deployments, with their pool, schedules and state. */
import { Link } from "react-router";
import { useDeployments } from "../api/queries.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

/** The deployments page. */
export function DeploymentsPage() {
  const deployments = useDeployments();
  return (
    <ListPage
      title="Deployments"
      error={deployments.error}
      items={deployments.data}
      empty={
        <EmptyState title="No deployments yet" command={"weir deploy            # applies weir.yaml\n# or in code: await myFlow.deploy({ name: \"nightly\", schedule: { cron: \"0 8 * * *\" } })"}>
          A deployment lets the server schedule a flow and workers run it.
        </EmptyState>
      }
    >
      <DataTable testId="deployments" columns={["Deployment", "Flow", "Pool / queue", "Schedules", "Status", "Updated"]}>
        {deployments.data?.map((d) => (
          <tr key={d.id}>
            <td><Link to={`/deployments/${d.id}`}>{d.name}</Link></td>
            <td>{d.flowName}</td>
            <td>{d.isServed ? "served" : `${d.workPoolName} / ${d.workQueueName}`}</td>
            <td>{d.schedules.filter((s) => s.isActive).length} active / {d.schedules.length}</td>
            <td>{d.isPaused ? <span className="pill warn">paused</span> : <span className="pill ok">ready</span>}</td>
            <td>{formatRelative(d.updatedAt)}</td>
          </tr>
        ))}
      </DataTable>
    </ListPage>
  );
}
