/**
 * Why a run is late (or stuck waiting), derived from the pool, queue and worker records and the
 * run's own state message: a Late run always says why.
 */
import type { FlowRun, Worker, WorkPool, WorkQueue } from "../../../src/core/models.js";

/** What the explanation looks at. */
export interface LateContext {
  pools: WorkPool[];
  queues: WorkQueue[];
  workers: Worker[];
  now?: number;
}

/** One sentence explaining why `run` has not started. */
export function lateReason(run: FlowRun, context: LateContext): string {
  const now = context.now ?? Date.now();
  if (run.stateName === "AwaitingConcurrencySlot") {
    return `Concurrency slot taken: ${run.state.message ?? "the deployment's or a tag's concurrency limit is full"}.`;
  }
  if (!run.workPoolName) {
    return run.deploymentId ? "Served deployment: no runner (flow.serve()) is running for it." : "Not attached to a work pool; nothing will pick it up.";
  }
  const pool = context.pools.find((p) => p.name === run.workPoolName);
  if (!pool) return `Work pool '${run.workPoolName}' does not exist.`;
  if (pool.isPaused) return `Work pool '${pool.name}' is paused; resume it to let workers claim runs.`;
  const queue = context.queues.find((q) => q.workPoolName === pool.name && q.name === run.workQueueName);
  if (run.workQueueName && !queue) return `Work queue '${run.workQueueName}' does not exist in pool '${pool.name}'.`;
  if (queue?.isPaused) return `Work queue '${queue.name}' is paused.`;
  const online = context.workers.filter((w) => w.workPoolName === pool.name && w.status === "ONLINE");
  if (online.length === 0) {
    return `No worker is polling pool '${pool.name}'. Start one: weir worker start --pool ${pool.name}`;
  }
  const polled = queue?.lastPolledAt ? new Date(queue.lastPolledAt).getTime() : 0;
  if (queue && now - polled > 60_000) {
    return `No worker is polling queue '${queue.name}' (workers poll other queues). Start one: weir worker start --pool ${pool.name} --queue ${queue.name}`;
  }
  if (pool.concurrencyLimit !== null || queue?.concurrencyLimit !== null) {
    return `Workers are online but the ${queue?.concurrencyLimit !== null ? `queue limit (${queue?.concurrencyLimit})` : `pool limit (${pool.concurrencyLimit})`} may be reached: a concurrency slot is taken.`;
  }
  return run.state.message ?? "Workers are online and busy; the run waits for a free slot.";
}
