/**
 * Row types of where runs execute and how many at once: the task queue (tasks placed on
 * separate workers), concurrency limits with their leases, work pools, work queues and workers.
 * Split out of src/db/schema.ts by area; that file assembles every table into `DatabaseSchema`.
 * Column conventions (timestamps, JSON, booleans) are in the header of src/db/schema.ts.
 */
import type { Generated } from "kysely";

/** Table `task_queue_items` (migration 018): one attempt of a task run placed on a task queue. */
export interface TaskQueueItemTable {
  id: string;
  queue: string;
  /** The dispatcher (calling process) that reads the outcome back. */
  owner: string;
  task_run_id: string;
  flow_run_id: string | null;
  module: string;
  task_name: string;
  /** JSON array. */
  args: string;
  attempt: number;
  timeout_ms: number | null;
  /** `queued` | `running` | `completed` | `failed`. */
  status: string;
  claimed_by: string | null;
  lease_expires_at: string | null;
  claims: Generated<number>;
  /** JSON: `{ value }` or `{ error: { name, message, stack } }`. */
  outcome: string | null;
  created_at: string;
}

/** Table `concurrency_limits` (one per tag). */
export interface ConcurrencyLimitTable {
  id: string;
  tag: string;
  slot_limit: number;
  created_at: string;
  updated_at: string;
}

/** Table `concurrency_leases`: one row per (lease, tag) slot; expired rows do not count. */
export interface ConcurrencyLeaseTable {
  id: string;
  tag: string;
  holder_id: string;
  expires_at: string;
  created_at: string;
}

/** Table `work_pools`. */
export interface WorkPoolTable {
  id: string;
  name: string;
  type: string;
  description: string | null;
  is_paused: number;
  concurrency_limit: number | null;
  created_at: string;
  updated_at: string;
  /** The health last reported as an event, healthy or unhealthy (migration 013); null before the first. */
  reported_status?: string | null;
}

/** Table `work_queues` (unique by work_pool_id + name). */
export interface WorkQueueTable {
  id: string;
  work_pool_id: string;
  work_pool_name: string;
  name: string;
  description: string | null;
  priority: number;
  concurrency_limit: number | null;
  is_paused: number;
  last_polled_at: string | null;
  created_at: string;
  updated_at: string;
}

/** Table `workers` (unique by work_pool_id + name). */
export interface WorkerTable {
  id: string;
  name: string;
  work_pool_id: string;
  work_pool_name: string;
  last_heartbeat_at: string;
  heartbeat_interval_seconds: number;
  created_at: string;
  /** The status last reported as an event, ONLINE or OFFLINE (migration 013); null before the first. */
  reported_status?: string | null;
}
