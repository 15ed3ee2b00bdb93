/** Request and response schemas of the notification routes. */
import { z } from "zod";
import { NOTIFICATION_ACTION_TYPES, notificationActionSchema } from "../../core/notification-actions.js";
import { NOTIFICATION_DELIVERY_STATUSES, type NotificationDelivery, type NotificationMessage } from "../../core/notification-deliveries.js";
import { csvOf, nameSchema, pageCursorSchema, pageSchema, queryInt, timestampSchema } from "./common-schemas.js";

/** Query of `GET /api/notifications`. */
export const notificationQuerySchema = z.object({
  status: csvOf(NOTIFICATION_DELIVERY_STATUSES).optional().meta({ description: `comma-separated: ${NOTIFICATION_DELIVERY_STATUSES.join(",")}` }),
  automationId: nameSchema.optional(),
  cursor: pageCursorSchema.optional(),
  limit: queryInt(1, 1000).optional(),
});

const idName = z.object({ id: z.string(), name: z.string() });

/** What a notification says. */
export const notificationMessageSchema = z
  .object({
    title: z.string(),
    summary: z.string(),
    event: z.object({ id: z.string().nullable(), name: z.string(), occurredAt: z.string() }),
    flowRun: z
      .object({
        id: z.string(),
        name: z.string(),
        stateType: z.string(),
        stateName: z.string(),
        stateMessage: z.string().nullable(),
        tags: z.array(z.string()),
        startTime: z.string().nullable(),
        endTime: z.string().nullable(),
      })
      .nullable(),
    flow: idName.nullable(),
    deployment: idName.nullable(),
    automation: idName.nullable(),
    dashboardPath: z.string().nullable().meta({ description: "The dashboard page, relative to WEIR_UI_URL (the sent message has the absolute `dashboardUrl`)." }),
  })
  .meta({ id: "NotificationMessage", description: "What a notification says: the event, and the flow run, flow and deployment it is about." }) satisfies z.ZodType<NotificationMessage>;

/** One delivery. */
export const notificationDeliverySchema = z
  .object({
    id: z.string(),
    automationId: z.string().nullable(),
    actionType: z.enum(NOTIFICATION_ACTION_TYPES),
    target: z.string().meta({ description: "Where it goes, secrets shown as ****." }),
    status: z.enum(NOTIFICATION_DELIVERY_STATUSES),
    attempts: z.int(),
    maxAttempts: z.int(),
    nextAttemptAt: z.string().nullable(),
    lastError: z.string().nullable(),
    message: notificationMessageSchema,
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
    sentAt: z.string().nullable(),
  })
  .meta({ id: "NotificationDelivery", description: "One notification to send: pending, sending, sent, or failed with the reason." }) satisfies z.ZodType<NotificationDelivery>;

/** A page of deliveries. */
export const notificationDeliveryPageSchema = pageSchema(notificationDeliverySchema, "NotificationDeliveryPage");

/** Body of `POST /api/notifications/test`. */
export const testNotificationSchema = z.object({
  action: notificationActionSchema,
  flowRunId: nameSchema.optional().meta({ description: "Send the message about this flow run instead of a sample." }),
});
