/**
 * Shared pieces of the notification tests: the delivery service alone (fast backoff, always
 * leader), waiting for a delivery's status, and the message about a failed run of `greeting`.
 */
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { NotificationDelivery, NotificationMessage } from "../../src/core/notification-deliveries.js";
import { STATE_TYPE_OF_NAME } from "../../src/core/states.js";
import type { OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { buildFlowRunNotificationMessage } from "../../src/orchestration/notifications/notification-message.js";
import type { Leadership } from "../../src/services/leadership.js";
import { startServices, type RunningServices } from "../../src/services/start-services.js";

const alwaysLeader: Leadership = { isLeader: async () => true, release: async () => undefined };

/** Only the notification-delivery service, retrying after 0.05 s, 0.1 s, … */
export function startDeliveryServices(opened: OpenedOrchestration, onError: (error: unknown) => void, extra: { concurrency?: number } = {}): RunningServices {
  return startServices(opened.context, {
    enabled: { scheduler: false, "late-runs": false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false },
    notificationBackoffSeconds: 0.05,
    notificationIntervalSeconds: 1,
    ...(extra.concurrency === undefined ? {} : { notificationConcurrency: extra.concurrency }),
    leadership: alwaysLeader,
    onError,
  });
}

/** Wait until the delivery has one of `statuses`. */
export async function waitForDelivery(client: OrchestrationApi, id: string, statuses: NotificationDelivery["status"][], timeoutMs = 10_000): Promise<NotificationDelivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await client.getNotificationDelivery(id);
    if (statuses.includes(delivery.status)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery ${id} is ${delivery.status} (${delivery.lastError ?? ""}), not ${statuses.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A run of deployment greeting/nightly that failed with "boom: greeting failed", and the message about it. */
export async function failedGreetingMessage(opened: OpenedOrchestration): Promise<NotificationMessage> {
  const api = opened.orchestration;
  const deployment = await api.upsertDeployment({ name: "nightly", flowName: "greeting", entrypoint: "flows.ts:greeting" });
  const run = await api.createDeploymentFlowRun(deployment.id);
  const failed = { id: crypto.randomUUID(), type: STATE_TYPE_OF_NAME.Failed, name: "Failed" as const, timestamp: new Date().toISOString(), message: "boom: greeting failed" };
  await api.setFlowRunState(run.id, { state: failed, force: true });
  return buildFlowRunNotificationMessage(opened.context.database.db, { flowRunId: run.id, eventName: "flow-run.Failed", automation: { id: "automation-1", name: "tell-me" } });
}
