/**
 * One work pool on the work pools page: status, limit and actions of the pool, its queues (priority
 * and limit edited in place, pause, delete, add) and its workers. Failed actions show the API's
 * message inside the card they came from.
 */
import { useState } from "react";
import type { Worker, WorkPool, WorkQueue } from "../../../src/core/models.js";
import { api } from "../api/api-client.js";
import { usePageAction } from "../api/use-page-action.js";
import { formatRelative } from "../lib/format.js";
import { ConfirmDeleteButton } from "./confirm-delete-button.js";
import { DataTable } from "./data-table.js";
import { ErrorNote } from "./error-note.js";
import { InlineNumberEdit } from "./inline-number-edit.js";
import { CONCURRENCY_LIMIT_RULE, PRIORITY_RULE } from "../lib/parse-whole-number.js";
import { WorkQueueForm } from "./work-queue-form.js";

function workerCommand(pool: WorkPool, queue?: WorkQueue): string {
  if (!queue) return `weir worker start --pool ${pool.name}`;
  if (pool.name === "default") return `weir agent start -q ${queue.name}`;
  return `weir worker start --pool ${pool.name} --queue ${queue.name}`;
}

function StatusPill({ isPaused }: { isPaused: boolean }) {
  return isPaused ? <span className="pill warn">paused</span> : <span className="pill ok">ready</span>;
}

/** Props of a pool card. */
export interface WorkPoolCardProps {
  pool: WorkPool;
  /** The pool's queues, any order. */
  queues: WorkQueue[];
  /** The pool's workers. */
  workers: Worker[];
}

/** The card of one pool. */
export function WorkPoolCard({ pool, queues, workers }: WorkPoolCardProps) {
  const { error, act } = usePageAction([["work-pools"], ["work-queues"]]);
  const [isAddingQueue, setIsAddingQueue] = useState(false);
  const poolPath = `/work-pools/${encodeURIComponent(pool.name)}`;
  const queuePath = (queue: WorkQueue): string => `${poolPath}/queues/${encodeURIComponent(queue.name)}`;
  // In-place edits throw so that the editor stays open with the API's message next to the value.
  const patch = (path: string, body: Record<string, unknown>) => async (): Promise<void> => {
    let failure: unknown = null;
    await act(async () => {
      try {
        await api(path, { method: "PATCH", body });
      } catch (caught) {
        failure = caught;
      }
    });
    if (failure) throw failure;
  };
  const sorted = [...queues].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
  const nextPriority = Math.min(PRIORITY_RULE.max ?? Number.MAX_SAFE_INTEGER, Math.max(0, ...queues.map((q) => q.priority)) + 1);
  return (
    <div className="card work-pool" data-testid="work-pool" data-pool={pool.name}>
      <div className="row">
        <h3>{pool.name}</h3>
        <span className="muted">{pool.type}</span>
        <StatusPill isPaused={pool.isPaused} />
        <span className="muted">limit:</span>
        <InlineNumberEdit value={pool.concurrencyLimit} rule={CONCURRENCY_LIMIT_RULE} subject={`concurrency limit of pool ${pool.name}`} onSave={(value) => patch(poolPath, { concurrencyLimit: value })()} />
        <span className="row actions">
          <button type="button" onClick={() => void act(() => api(poolPath, { method: "PATCH", body: { isPaused: !pool.isPaused } }))}>{pool.isPaused ? "Resume pool" : "Pause pool"}</button>
          <ConfirmDeleteButton subject={`pool ${pool.name}`} label="Delete pool" consequence="Its queues and workers go with it." onConfirm={() => act(() => api(poolPath, { method: "DELETE" }))} />
        </span>
      </div>
      {pool.description ? <p>{pool.description}</p> : null}
      <ErrorNote error={error} />
      <div className="row">Start a worker: <pre className="command" data-testid="worker-command">{workerCommand(pool)}</pre></div>
      <div className="row section-title">
        <h4>Queues</h4>
        {isAddingQueue ? null : <button type="button" className="ghost" aria-label={`Add queue to pool ${pool.name}`} onClick={() => setIsAddingQueue(true)}>Add queue</button>}
      </div>
      {isAddingQueue ? <WorkQueueForm pool={pool} suggestedPriority={nextPriority} onDone={() => setIsAddingQueue(false)} /> : null}
      <DataTable columns={["Queue", "Priority", "Limit", "Status", "Last polled", "Start a worker for it", ""]}>
        {sorted.map((q) => (
          <tr key={q.id} data-testid="work-queue" data-queue={q.name}>
            <td>{q.name}</td>
            <td><InlineNumberEdit value={q.priority} rule={PRIORITY_RULE} subject={`priority of queue ${q.name}`} onSave={(value) => patch(queuePath(q), { priority: value })()} /></td>
            <td><InlineNumberEdit value={q.concurrencyLimit} rule={CONCURRENCY_LIMIT_RULE} subject={`concurrency limit of queue ${q.name}`} onSave={(value) => patch(queuePath(q), { concurrencyLimit: value })()} /></td>
            <td><StatusPill isPaused={q.isPaused} /></td>
            <td>{formatRelative(q.lastPolledAt)}</td>
            <td><code>{workerCommand(pool, q)}</code></td>
            <td className="row-actions">
              <button type="button" className="ghost" aria-label={`${q.isPaused ? "Resume" : "Pause"} queue ${q.name}`} onClick={() => void act(() => api(queuePath(q), { method: "PATCH", body: { isPaused: !q.isPaused } }))}>{q.isPaused ? "Resume" : "Pause"}</button>
              <ConfirmDeleteButton subject={`queue ${q.name}`} onConfirm={() => act(() => api(queuePath(q), { method: "DELETE" }))} />
            </td>
          </tr>
        ))}
      </DataTable>
      <h4>Workers</h4>
      {workers.length === 0 ? <p className="muted">No worker has polled this pool. Start one with the command above.</p> : (
        <DataTable columns={["Worker", "Status", "Last heartbeat"]}>
          {workers.map((w) => (
            <tr key={w.id}><td>{w.name}</td><td><span className={w.status === "ONLINE" ? "pill ok" : "pill bad"}>{w.status.toLowerCase()}</span></td><td>{formatRelative(w.lastHeartbeatAt)}</td></tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
