/**
 * Notification deliveries: one row of the outbox per (event, action). The delivery service
 * (src/services/notification-delivery-service.ts) sends it, retrying with backoff, and records
 * the outcome. States:
 *
 * - `pending`: waiting for its first attempt, or for `nextAttemptAt` after a failed attempt
 *   that may be retried (a network error, a timeout, HTTP 408/429/5xx, an SMTP 4xx reply);
 * - `sending`: claimed by one server until its claim expires (a server that dies mid-send
 *   leaves it to be claimed again);
 * - `sent`: the receiver accepted it (HTTP 2xx, SMTP 250);
 * - `failed`: given up: a permanent refusal (HTTP 4xx, SMTP 5xx, a missing SMTP server or
 *   key), or the last of `maxAttempts` attempts failed. `lastError` says why.
 */
import type { NotificationActionType } from "./notification-actions.js";

/** Every delivery status (see file header). */
export const NOTIFICATION_DELIVERY_STATUSES = ["pending", "sending", "sent", "failed"] as const;

/** A delivery status. */
export type NotificationDeliveryStatus = (typeof NOTIFICATION_DELIVERY_STATUSES)[number];

/** What a notification says: the event and the run, flow and deployment it is about. */
export interface NotificationMessage {
  /** One line, e.g. `Flow run 'brave-otter' of greeting is Failed`. */
  title: string;
  /** A few lines for people (the state message, the deployment, the time). */
  summary: string;
  /** The event that fired (names as in DESIGN §10: `flow-run.Failed`). */
  event: { id: string | null; name: string; occurredAt: string };
  flowRun: {
    id: string;
    name: string;
    stateType: string;
    stateName: string;
    stateMessage: string | null;
    tags: string[];
    startTime: string | null;
    endTime: string | null;
  } | null;
  flow: { id: string; name: string } | null;
  deployment: { id: string; name: string } | null;
  /** The automation that sent it (null for a test notification). */
  automation: { id: string; name: string } | null;
  /** The dashboard page of the run (or other resource), relative to the dashboard's base URL; the sent message carries the absolute `dashboardUrl`. */
  dashboardPath: string | null;
}

/** A notification as sent: the message with the absolute dashboard link (the webhook's JSON body). */
export interface RenderedNotificationMessage extends Omit<NotificationMessage, "dashboardPath"> {
  /** `WEIR_UI_URL` (default: the server's URL) + `dashboardPath`; null when the message has no page. */
  dashboardUrl: string | null;
}

/** One delivery as the API shows it (secrets redacted). */
export interface NotificationDelivery {
  id: string;
  /** The automation that enqueued it; null for `weir notification test`. */
  automationId: string | null;
  actionType: NotificationActionType;
  /** Where it goes, with secrets replaced by `****` (e.g. `https://hooks.slack.com/****`). */
  target: string;
  status: NotificationDeliveryStatus;
  /** Attempts made so far. */
  attempts: number;
  maxAttempts: number;
  /** When the next attempt is due (pending only). */
  nextAttemptAt: string | null;
  /** Why the last attempt failed (`HTTP 500: …`, `timed out after 10s`, `SMTP 550 …`). */
  lastError: string | null;
  message: NotificationMessage;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

/** Filter of `listNotificationDeliveries`. */
export interface NotificationDeliveryFilter {
  status?: NotificationDeliveryStatus[];
  automationId?: string;
}
