/** Home: runs by state over the last 24 hours, recent failures, late runs with their reason, pool health. */
import { useQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { Link } from "react-router";
import type { Page } from "../../../src/core/api-types.js";
import type { FlowRun } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { RunsChart, type ChartBucket, type ChartGroup } from "../components/runs-chart.js";
import { StateBadge } from "../components/state-badge.js";
import { formatRelative } from "../lib/format.js";
import { lateReason } from "../lib/late-reason.js";

const BUCKETS = 12;
const BUCKET_MS = 2 * 3600_000;
const GROUPS: (ChartGroup & { types: string })[] = [
  { key: "completed", label: "Completed", color: "var(--state-completed)", types: "COMPLETED" },
  { key: "failed", label: "Failed / crashed", color: "var(--state-failed)", types: "FAILED,CRASHED" },
  { key: "running", label: "Running / pending", color: "var(--state-running)", types: "RUNNING,PENDING,CANCELLING,PAUSED" },
  { key: "scheduled", label: "Scheduled", color: "var(--state-scheduled)", types: "SCHEDULED" },
  { key: "cancelled", label: "Cancelled", color: "var(--state-cancelled)", types: "CANCELLED" },
];

async function loadBuckets(signal: AbortSignal): Promise<ChartBucket[]> {
  const end = Math.ceil(Date.now() / BUCKET_MS) * BUCKET_MS;
  const starts = Array.from({ length: BUCKETS }, (_, i) => end - (BUCKETS - i) * BUCKET_MS);
  return Promise.all(
    starts.map(async (start) => {
      const counts: Record<string, number> = {};
      await Promise.all(
        GROUPS.map(async (g) => {
          const query = { stateType: g.types, startAfter: new Date(start).toISOString(), startBefore: new Date(start + BUCKET_MS).toISOString() };
          counts[g.key] = (await api<{ count: number }>("/flow-runs/count", { query, signal })).count;
        }),
      );
      return { start: new Date(start).toISOString(), counts };
    }),
  );
}

/** A card listing runs (link, state, `detail`, and `note` below), or `empty` when there is none. */
function RunListCard({ title, runs, testId, empty, detail, note }: {
  title: string;
  runs: FlowRun[] | undefined;
  testId: string;
  empty: string;
  detail: (run: FlowRun) => ReactNode;
  note: (run: FlowRun) => ReactNode;
}) {
  return (
    <div className="card">
      <h3>{title}</h3>
      {runs?.length ? (
        <ul className="plain" data-testid={testId}>
          {runs.map((r) => (
            <li key={r.id}>
              <Link to={`/runs/${r.id}`}>{r.name}</Link> <StateBadge type={r.stateType} name={r.stateName} /> <span className="muted">{detail(r)}</span>
              {note(r)}
            </li>
          ))}
        </ul>
      ) : <p className="muted">{empty}</p>}
    </div>
  );
}

/** The home page. */
export function HomePage() {
  const chart = useQuery({ queryKey: ["home", "chart"], queryFn: ({ signal }) => loadBuckets(signal), staleTime: 15_000 });
  const failures = useQuery({
    queryKey: ["home", "failures"],
    queryFn: ({ signal }) => api<Page<FlowRun>>("/flow-runs", { query: { stateType: "FAILED,CRASHED", sort: "CREATED_DESC", limit: 8 }, signal }).then((r) => r.items),
  });
  const late = useQuery({
    queryKey: ["home", "late"],
    queryFn: ({ signal }) => api<Page<FlowRun>>("/flow-runs", { query: { stateName: "Late,AwaitingConcurrencySlot", sort: "EXPECTED_START_TIME_ASC", limit: 20 }, signal }).then((r) => r.items),
  });
  const pools = useWorkPools();
  const queues = useWorkQueues();
  const workers = useWorkers();
  const total = chart.data?.reduce((sum, b) => sum + Object.values(b.counts).reduce((a, c) => a + c, 0), 0);
  return (
    <section className="page">
      <header className="page-header"><h2>Dashboard</h2></header>
      <div className="card">
        <h3>Flow runs, last 24 hours</h3>
        {chart.data ? <RunsChart buckets={chart.data} groups={GROUPS} /> : <p className="muted">Loading…</p>}
        {total === 0 ? (
          <EmptyState title="No runs in the last 24 hours" command="weir run examples/quickstart.ts:hello">
            Run a flow (or deploy one and start a worker) and it shows up here live.
          </EmptyState>
        ) : null}
      </div>
      <div className="grid-2">
        <RunListCard
          title="Late runs"
          runs={late.data}
          testId="late-runs"
          empty="No late runs."
          detail={(r) => formatRelative(r.expectedStartTime)}
          note={(r) => <div className="late-note small">{pools.data && queues.data && workers.data ? lateReason(r, { pools: pools.data, queues: queues.data, workers: workers.data }) : ""}</div>}
        />
        <RunListCard
          title="Recent failures"
          runs={failures.data}
          testId="recent-failures"
          empty="No failures. "
          detail={(r) => `${r.flowName} · ${formatRelative(r.endTime ?? r.updatedAt)}`}
          note={(r) => (r.state.message ? <div className="muted small">{r.state.message}</div> : null)}
        />
      </div>
      <div className="card">
        <h3>Work pool health</h3>
        <DataTable testId="pool-health" columns={["Pool", "Status", "Workers online", "Queues"]}>
          {pools.data?.map((p) => {
            const online = workers.data?.filter((w) => w.workPoolName === p.name && w.status === "ONLINE").length ?? 0;
            const poolQueues = queues.data?.filter((q) => q.workPoolName === p.name) ?? [];
            return (
              <tr key={p.id}>
                <td><Link to="/work-pools">{p.name}</Link></td>
                <td>{p.isPaused ? <span className="pill warn">paused</span> : online > 0 ? <span className="pill ok">healthy</span> : <span className="pill bad">no workers</span>}</td>
                <td>{online}{online === 0 ? <code className="small"> weir worker start --pool {p.name}</code> : null}</td>
                <td>{poolQueues.map((q) => q.name + (q.isPaused ? " (paused)" : "")).join(", ")}</td>
              </tr>
            );
          })}
        </DataTable>
      </div>
    </section>
  );
}
