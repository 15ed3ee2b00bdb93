/** Conversion of `work_pools`, `work_queues` and `workers` rows to the API's records. */
import type { Worker, WorkPool, WorkQueue } from "../core/models.js";
import type { WorkerTable, WorkPoolTable, WorkQueueTable } from "../db/schema.js";

/** How many missed heartbeat intervals make a worker OFFLINE. */
export const WORKER_OFFLINE_AFTER_INTERVALS = 3;

/** A `work_pools` row as a WorkPool. */
export function workPoolFromRow(row: WorkPoolTable): WorkPool {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    description: row.description,
    isPaused: Boolean(row.is_paused),
    concurrencyLimit: row.concurrency_limit === null ? null : Number(row.concurrency_limit),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `work_queues` row as a WorkQueue. */
export function workQueueFromRow(row: WorkQueueTable): WorkQueue {
  return {
    id: row.id,
    workPoolId: row.work_pool_id,
    workPoolName: row.work_pool_name,
    name: row.name,
    description: row.description,
    priority: Number(row.priority),
    concurrencyLimit: row.concurrency_limit === null ? null : Number(row.concurrency_limit),
    isPaused: Boolean(row.is_paused),
    lastPolledAt: row.last_polled_at,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A `workers` row as a Worker, ONLINE while its last heartbeat is recent enough at `now`. */
export function workerFromRow(row: WorkerTable, now: Date): Worker {
  const interval = Number(row.heartbeat_interval_seconds);
  const silentMs = now.getTime() - Date.parse(row.last_heartbeat_at);
  return {
    id: row.id,
    name: row.name,
    workPoolName: row.work_pool_name,
    status: silentMs <= interval * WORKER_OFFLINE_AFTER_INTERVALS * 1000 ? "ONLINE" : "OFFLINE",
    lastHeartbeatAt: row.last_heartbeat_at,
    heartbeatIntervalSeconds: interval,
    createdAt: row.created_at,
  };
}
