/** Work pools, their queues and workers: status, priority, limits, pause/resume and the command that starts a worker. */
import { useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import type { WorkPool, WorkQueue } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { useWorkers, useWorkPools, useWorkQueues } from "../api/queries.js";
import { EmptyState } from "../components/empty-state.js";
import { ErrorNote } from "../components/error-note.js";
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
  const queryClient = useQueryClient();
  const [error, setError] = useState<unknown>(null);
  const act = async (fn: () => Promise<unknown>): Promise<void> => {
    setError(null);
    try {
      await fn();
    } catch (caught) {
      setError(caught);
    }
    await queryClient.invalidateQueries({ queryKey: ["work-pools"] });
    await queryClient.invalidateQueries({ queryKey: ["work-queues"] });
  };
  const poolPath = (pool: WorkPool): string => `/work-pools/${encodeURIComponent(pool.name)}`;
  return (
    <section className="page">
      <header className="page-header"><h2>Work pools</h2></header>
      <ErrorNote error={pools.error ?? error} />
      {pools.data?.length === 0 ? <EmptyState title="No work pools" command="weir work-pool create my-pool" /> : null}
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
            <table className="data-table">
              <thead><tr><th>Queue</th><th>Priority</th><th>Limit</th><th>Status</th><th>Last polled</th><th>Start a worker for it</th><th /></tr></thead>
              <tbody>
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
              </tbody>
            </table>
            <h4>Workers</h4>
            {poolWorkers.length === 0 ? <p className="muted">No worker has polled this pool. Start one with the command above.</p> : (
              <table className="data-table">
                <thead><tr><th>Worker</th><th>Status</th><th>Last heartbeat</th></tr></thead>
                <tbody>{poolWorkers.map((w) => (
                  <tr key={w.id}><td>{w.name}</td><td><span className={w.status === "ONLINE" ? "pill ok" : "pill bad"}>{w.status.toLowerCase()}</span></td><td>{formatRelative(w.lastHeartbeatAt)}</td></tr>
                ))}</tbody>
              </table>
            )}
          </div>
        );
      })}
    </section>
  );
}
