/** Routes of notifications (src/orchestration/notifications/notification-service.ts): the deliveries and a test send. */
import { defineRoute, type AnyRouteDefinition, type RouteDependencies } from "../route-registry.js";
import { notificationDeliveryPageSchema, notificationDeliverySchema, notificationQuerySchema, testNotificationSchema } from "../schemas/notification-schemas.js";

/** The notification routes. */
export function notificationRoutes({ orchestration: api }: RouteDependencies): AnyRouteDefinition[] {
  return [
    defineRoute({
      method: "GET",
      path: "/api/notifications",
      operationId: "listNotificationDeliveries",
      summary: "List notification deliveries, newest first; secrets show as **** (listNotificationDeliveries)",
      query: notificationQuerySchema,
      response: notificationDeliveryPageSchema,
      handle: ({ query }) =>
        api.listNotificationDeliveries(
          { ...(query.status === undefined ? {} : { status: query.status }), ...(query.automationId === undefined ? {} : { automationId: query.automationId }) },
          { cursor: query.cursor, limit: query.limit },
        ),
    }),
    defineRoute({
      method: "POST",
      path: "/api/notifications/test",
      operationId: "testNotification",
      summary: "Send a notification action once now and record it; answers the delivery, sent or failed with the receiver's reason (testNotification)",
      body: testNotificationSchema,
      response: notificationDeliverySchema,
      handle: ({ body }) => api.testNotification(body.action, body.flowRunId === undefined ? {} : { flowRunId: body.flowRunId }),
    }),
    defineRoute({
      method: "GET",
      path: "/api/notifications/:id",
      operationId: "getNotificationDelivery",
      summary: "Read a notification delivery (getNotificationDelivery)",
      response: notificationDeliverySchema,
      handle: ({ params }) => api.getNotificationDelivery(params.id ?? ""),
    }),
  ];
}
