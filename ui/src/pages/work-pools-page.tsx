/** Work pools, their queues and workers: status, priority, limits, pause/resume and the command that starts a worker. */
import type { WorkPool, WorkQueue } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { usePageAction } from "../api/use-page-action.js";
import { DataTable } from "../components/data-table.js";
import { EmptyState } from "../components/empty-state.js";
import { ListPage } from "../components/list-page.js";
import { formatRelative } from "../lib/format.js";

function workerCommand(pool: WorkPool, queue?: WorkQueue): string {
  if (!queue) return `weir worker start --pool ${pool.name}`;
  if (pool.name === "default") return `weir agent start -q ${queue.name}`;
  return `weir worker start --pool ${pool.name} --queue ${queue.name}`;
}

function parseLimit(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return null;
  const n = Number(trimmed);
  if (!Number.isInteger(n) || n < 0) throw new Error(`limit: expected a whole number ≥ 0 or empty, got '${text}'`);
  return n;
}

/** The work pools page. */
export function WorkPoolsPage() {
  const pools = useWorkPools();
  const queues = useWorkQueues();
  const workers = useWorkers();
  const { error, act } = usePageAction([["work-pools"], ["work-queues"]]);
  const poolPath = (pool: WorkPool): string => `/work-pools/${encodeURIComponent(pool.name)}`;
  return (
    <ListPage title="Work pools" error={pools.error ?? error} items={pools.data} empty={<EmptyState title="No work pools" command="weir work-pool create my-pool" />}>
      {pools.data?.map((pool) => {
        const poolWorkers = workers.data?.filter((w) => w.workPoolName === pool.name) ?? [];
        const poolQueues = (queues.data?.filter((q) => q.workPoolName === pool.name) ?? []).sort((a, b) => a.priority - b.priority);
        return (
          <div className="card" key={pool.id} data-testid="work-pool">
            <div className="row">
              <h3>{pool.name}</h3>
              <span className="muted">{pool.type}</span>
              {pool.isPaused ? <span className="pill warn">paused</span> : <span className="pill ok">ready</span>}
              <span>limit: {pool.concurrencyLimit ?? "none"}</span>
              <button type="button" onClick={() => void act(() => api(poolPath(pool), { method: "PATCH", body: { isPaused: !pool.isPaused } }))}>{pool.isPaused ? "Resume pool" : "Pause pool"}</button>
              <button type="button" className="ghost" onClick={() => {
                const text = window.prompt(`Concurrency limit of pool ${pool.name} (empty: none)`, String(pool.concurrencyLimit ?? ""));
                if (text !== null) void act(() => api(poolPath(pool), { method: "PATCH", body: { concurrencyLimit: parseLimit(text) } }));
              }}>Set limit</button>
            </div>
            {pool.description ? <p>{pool.description}</p> : null}
            <div>Start a worker: <pre className="command" data-testid="worker-command">{workerCommand(pool)}</pre></div>
            <h4>Queues</h4>
            <DataTable columns={["Queue", "Priority", "Limit", "Status", "Last polled", "Start a worker for it", ""]}>
              {poolQueues.map((q) => (
                <tr key={q.id}>
                  <td>{q.name}</td>
                  <td>{q.priority}</td>
                  <td>{q.concurrencyLimit ?? "none"}</td>
                  <td>{q.isPaused ? <span className="pill warn">paused</span> : <span className="pill ok">ready</span>}</td>
                  <td>{formatRelative(q.lastPolledAt)}</td>
                  <td><code>{workerCommand(pool, q)}</code></td>
                  <td>
                    <button type="button" className="ghost" onClick={() => void act(() => api(`${poolPath(pool)}/queues/${encodeURIComponent(q.name)}`, { method: "PATCH", body: { isPaused: !q.isPaused } }))}>{q.isPaused ? "Resume" : "Pause"}</button>
                    <button type="button" className="ghost" onClick={() => {
                      const text = window.prompt(`Priority of queue ${q.name} (1 = highest)`, String(q.priority));
                      if (text !== null) void act(() => api(`${poolPath(pool)}/queues/${encodeURIComponent(q.name)}`, { method: "PATCH", body: { priority: Number(text) } }));
                    }}>Priority</button>
                  </td>
                </tr>
              ))}
            </DataTable>
            <h4>Workers</h4>
            {poolWorkers.length === 0 ? <p className="muted">No worker has polled this pool. Start one with the command above.</p> : (
              <DataTable columns={["Worker", "Status", "Last heartbeat"]}>
                {poolWorkers.map((w) => (
                  <tr key={w.id}><td>{w.name}</td><td><span className={w.status === "ONLINE" ? "pill ok" : "pill bad"}>{w.status.toLowerCase()}</span></td><td>{formatRelative(w.lastHeartbeatAt)}</td></tr>
                ))}
              </DataTable>
            )}
          </div>
        );
      })}
    </ListPage>
  );
}
