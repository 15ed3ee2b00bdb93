/**
 * The stored events of deployments, schedules, work pools, work queues and workers (src/core/events.ts):
 * how each names its resource and related resources. Services append them with `appendEvents`
 * in the transaction of the change.
 */
import type { EventResource, NewEvent } from "../core/events.js";
import type { Deployment, DeploymentSchedule, WorkPool, WorkQueue, Worker } from "../core/models.js";

/** The top-level fields whose values differ (`updatedAt` and `lastPolledAt` aside), sorted. */
export function changedFields(before: object, after: object): string[] {
  const a = before as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete("updatedAt");
  keys.delete("lastPolledAt");
  return [...keys].filter((key) => JSON.stringify(a[key]) !== JSON.stringify(b[key])).sort();
}

const tagsOf = (tags: readonly string[]): EventResource[] => tags.map((tag) => ({ kind: "tag", id: tag, name: tag }));
const poolOf = (name: string): EventResource => ({ kind: "work-pool", id: name, name });
const queueOf = (pool: string, queue: string): EventResource => ({ kind: "work-queue", id: `${pool}/${queue}`, name: queue });

/** `deployment.<verb>` (created, updated, deleted, slot-skipped). */
export function deploymentEvent(verb: string, deployment: Deployment, payload: Record<string, unknown> = {}, occurred?: string): NewEvent {
  return {
    event: `deployment.${verb}`,
    ...(occurred === undefined ? {} : { occurred }),
    resource: { kind: "deployment", id: deployment.id, name: `${deployment.flowName}/${deployment.name}` },
    related: [{ kind: "flow", id: deployment.flowId, name: deployment.flowName }, poolOf(deployment.workPoolName), queueOf(deployment.workPoolName, deployment.workQueueName), ...tagsOf(deployment.tags)],
    payload,
  };
}

/** `schedule.<verb>` (created, updated, deleted) of a deployment's schedule. */
export function scheduleEvent(verb: string, schedule: DeploymentSchedule, deployment: Pick<Deployment, "id" | "name" | "flowId" | "flowName">, payload: Record<string, unknown> = {}): NewEvent {
  return {
    event: `schedule.${verb}`,
    resource: { kind: "schedule", id: schedule.id },
    related: [{ kind: "deployment", id: deployment.id, name: `${deployment.flowName}/${deployment.name}` }, { kind: "flow", id: deployment.flowId, name: deployment.flowName }],
    payload: { schedule: schedule.schedule, isActive: schedule.isActive, ...payload },
  };
}

/** `work-pool.<verb>` (created, updated, deleted). */
export function workPoolEvent(verb: string, pool: WorkPool, payload: Record<string, unknown> = {}): NewEvent {
  return { event: `work-pool.${verb}`, resource: poolOf(pool.name), related: [], payload: { type: pool.type, isPaused: pool.isPaused, concurrencyLimit: pool.concurrencyLimit, ...payload } };
}

/** `work-queue.<verb>` (created, updated, deleted). */
export function workQueueEvent(verb: string, queue: WorkQueue, payload: Record<string, unknown> = {}): NewEvent {
  return {
    event: `work-queue.${verb}`,
    resource: queueOf(queue.workPoolName, queue.name),
    related: [poolOf(queue.workPoolName)],
    payload: { priority: queue.priority, isPaused: queue.isPaused, concurrencyLimit: queue.concurrencyLimit, ...payload },
  };
}

/** `worker.<verb>` (online, offline). */
export function workerEvent(verb: string, worker: Pick<Worker, "id" | "name" | "workPoolName" | "lastHeartbeatAt" | "heartbeatIntervalSeconds">, occurred?: string): NewEvent {
  return {
    event: `worker.${verb}`,
    ...(occurred === undefined ? {} : { occurred }),
    resource: { kind: "worker", id: worker.id, name: worker.name },
    related: [poolOf(worker.workPoolName)],
    payload: { lastHeartbeatAt: worker.lastHeartbeatAt, heartbeatIntervalSeconds: worker.heartbeatIntervalSeconds },
  };
}
