/**
 * The notifications area of the service layer: list and read deliveries (secrets redacted), and
 * `testNotification`, which sends one notification now, through the same code as the delivery
 * service, and records it as a delivery (`weir notification test`, the dashboard's test
 * button). A test is one attempt, never retried: its answer is the receiver's.
 */
import type { Page, PageRequest } from "../../core/api-types.js";
import { NOTIFICATION_DELIVERY_STATUSES, type NotificationDelivery, type NotificationDeliveryFilter } from "../../core/notification-deliveries.js";
import { parseNotificationAction } from "../../core/notification-actions.js";
import { WeirError } from "../../core/weir-error.js";
import { checkName, invalid } from "../input-checks.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { compilePageRequest, toPage } from "../page-cursor.js";
import { failedOutcome } from "./delivery-outcome.js";
import { deliverNotification, deliverySettingsFromEnv } from "./deliver-notification.js";
import { buildFlowRunNotificationMessage, testNotificationMessage } from "./notification-message.js";
import { createNotificationOutbox, deliveryFromRow } from "./notification-outbox.js";
import { notificationDashboardBaseUrl } from "./notification-runtime.js";

/** Options of `testNotification`. */
export interface TestNotificationOptions {
  /** Send the message about this flow run instead of a sample. @default a sample message */
  flowRunId?: string;
}

function checkFilter(filter: NotificationDeliveryFilter | undefined): NotificationDeliveryFilter {
  const statuses = filter?.status;
  if (statuses !== undefined) {
    if (!Array.isArray(statuses)) invalid("status", "must be a list of statuses");
    for (const status of statuses) {
      if (!(NOTIFICATION_DELIVERY_STATUSES as readonly string[]).includes(status)) invalid("status", `'${String(status)}' is not one of ${NOTIFICATION_DELIVERY_STATUSES.join(", ")}`);
    }
  }
  return { ...(statuses === undefined ? {} : { status: statuses }), ...(filter?.automationId === undefined ? {} : { automationId: checkName(filter.automationId, "automationId") }) };
}

/** The notifications area (see file header). */
export function createNotificationService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  const outbox = createNotificationOutbox(ctx);

  async function getNotificationDelivery(id: string): Promise<NotificationDelivery> {
    const row = await db.selectFrom("notification_deliveries").selectAll().where("id", "=", checkName(id, "id")).executeTakeFirst();
    if (row === undefined) throw WeirError.notFound("notification delivery", id);
    return deliveryFromRow(row);
  }

  return {
    /** Deliveries, newest first. */
    async listNotificationDeliveries(filter?: NotificationDeliveryFilter, page?: PageRequest): Promise<Page<NotificationDelivery>> {
      const checked = checkFilter(filter);
      const { limit, after } = compilePageRequest(page, "CREATED_DESC");
      let query = db.selectFrom("notification_deliveries").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1);
      if (checked.status !== undefined) query = checked.status.length === 0 ? query.where("id", "is", null) : query.where("status", "in", checked.status);
      if (checked.automationId !== undefined) query = query.where("automation_id", "=", checked.automationId);
      if (after) {
        const key = String(after.key);
        query = query.where((eb) => eb.or([eb("created_at", "<", key), eb.and([eb("created_at", "=", key), eb("id", "<", after.id)])]));
      }
      return toPage(await query.execute(), limit, deliveryFromRow, (row) => ({ key: row.created_at, id: row.id, sort: "CREATED_DESC" }));
    },

    getNotificationDelivery,

    /** Send `action` once now (see file header) and return the recorded delivery, `sent` or `failed` with the reason. */
    async testNotification(action: unknown, options: TestNotificationOptions = {}): Promise<NotificationDelivery> {
      const checked = parseNotificationAction(action, "action");
      const message =
        options.flowRunId === undefined
          ? testNotificationMessage(ctx.clock.now())
          : await buildFlowRunNotificationMessage(db, { flowRunId: checkName(options.flowRunId, "flowRunId"), eventName: "notification.test" });
      const settings = deliverySettingsFromEnv(notificationDashboardBaseUrl(ctx.database));
      // Recorded first (already claimed, so the delivery service leaves it alone), then sent.
      const delivery = await outbox.enqueue({ action: checked, message, maxAttempts: 1 }, undefined, { isClaimed: true });
      const outcome = await deliverNotification(checked, message, settings, AbortSignal.timeout(settings.timeoutMs + 5000)).catch(() => failedOutcome(`timed out after ${settings.timeoutMs / 1000}s`, true));
      const now = ctx.clock.now();
      if (outcome.isSent) await outbox.recordSent(delivery.id, now);
      else await outbox.recordFailure(delivery.id, now, outcome.reason, null);
      return getNotificationDelivery(delivery.id);
    },
  };
}
