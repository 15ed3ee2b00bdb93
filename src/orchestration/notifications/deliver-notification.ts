/**
 * One attempt at one notification: render the message, build the request of the action's kind
 * and send it. Used by the delivery service and by `testNotification`. Secrets never reach the
 * outcome: its reason is scrubbed of every secret of the action.
 */
import type { NotificationAction, WebhookAction } from "../../core/notification-actions.js";
import type { NotificationMessage, RenderedNotificationMessage } from "../../core/notification-deliveries.js";
import { WeirError } from "../../core/weir-error.js";
import { discordPayload, slackPayload, teamsPayload } from "./chat-payloads.js";
import type { DeliveryOutcome } from "./delivery-outcome.js";
import { sendNotificationEmail } from "./email-notification.js";
import { sendNotificationHttp, type NotificationHttpRequest } from "./http-notification.js";
import { scrubNotificationSecrets } from "./notification-secrets.js";
import { renderJsonTemplate, renderNotificationMessage, renderTemplate } from "./render-notification.js";

/** Default timeout of one attempt, in seconds. */
export const DEFAULT_NOTIFICATION_TIMEOUT_SECONDS = 10;

/** Settings of a notification attempt. */
export interface DeliverySettings {
  /** The dashboard's base URL (`WEIR_UI_URL`, else the server's URL); null: messages carry no link. */
  dashboardBaseUrl: string | null;
  /** `WEIR_SMTP_URL`. */
  smtpUrl: string | null;
  /** `WEIR_SMTP_FROM`. */
  smtpFrom: string | null;
  /** One attempt's limit, in milliseconds. */
  timeoutMs: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** Delivery settings from the environment (`WEIR_SMTP_URL`, `WEIR_SMTP_FROM`, `WEIR_NOTIFICATION_TIMEOUT_SECONDS`). */
export function deliverySettingsFromEnv(dashboardBaseUrl: string | null, env: NodeJS.ProcessEnv = process.env): DeliverySettings {
  const text = env.WEIR_NOTIFICATION_TIMEOUT_SECONDS?.trim();
  const seconds = text === undefined || text === "" ? DEFAULT_NOTIFICATION_TIMEOUT_SECONDS : Number(text);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new WeirError("VALIDATION", `WEIR_NOTIFICATION_TIMEOUT_SECONDS: expected a number of seconds from 0 to 600, got '${text}'`);
  }
  const blankToNull = (value: string | undefined): string | null => (value === undefined || value.trim() === "" ? null : value.trim());
  return { dashboardBaseUrl, smtpUrl: blankToNull(env.WEIR_SMTP_URL), smtpFrom: blankToNull(env.WEIR_SMTP_FROM), timeoutMs: seconds * 1000 };
}

const USER_AGENT = "Weir-Notifications/1";

function jsonRequest(url: string, payload: unknown): NotificationHttpRequest {
  return { url, method: "POST", headers: { "content-type": "application/json", "user-agent": USER_AGENT }, body: JSON.stringify(payload) };
}

function webhookRequest(action: WebhookAction, message: RenderedNotificationMessage): NotificationHttpRequest {
  const isText = typeof action.body === "string";
  const body = action.body === undefined ? JSON.stringify(message) : isText ? renderTemplate(action.body as string, message) : JSON.stringify(renderJsonTemplate(action.body, message));
  const headers: Record<string, string> = { "content-type": isText ? "text/plain; charset=utf-8" : "application/json", "user-agent": USER_AGENT };
  // The action's headers win, whatever their case.
  for (const [name, value] of Object.entries(action.headers ?? {})) {
    delete headers[name.toLowerCase()];
    headers[name] = value;
  }
  return { url: action.url, method: action.method ?? "POST", headers, body };
}

function text(template: string | undefined, message: RenderedNotificationMessage): string | null {
  return template === undefined ? null : renderTemplate(template, message);
}

async function attempt(action: NotificationAction, message: RenderedNotificationMessage, settings: DeliverySettings, signal: AbortSignal): Promise<DeliveryOutcome> {
  const http = { timeoutMs: settings.timeoutMs, signal, ...(settings.fetch ? { fetch: settings.fetch } : {}) };
  switch (action.type) {
    case "webhook":
      return sendNotificationHttp(webhookRequest(action, message), http);
    case "slack":
      return sendNotificationHttp(jsonRequest(action.url, slackPayload(message, text(action.text, message))), http);
    case "teams":
      return sendNotificationHttp(jsonRequest(action.url, teamsPayload(message, text(action.text, message))), http);
    case "discord":
      return sendNotificationHttp(jsonRequest(action.url, discordPayload(message, text(action.text, message))), http);
    case "email":
      return sendNotificationEmail(action, message, { serverSmtpUrl: settings.smtpUrl, serverFrom: settings.smtpFrom, timeoutMs: settings.timeoutMs, signal });
  }
}

/**
 * Send `message` once through `action`. Resolves with the outcome (never with a secret in it);
 * rejects only when `signal` aborts.
 */
export async function deliverNotification(action: NotificationAction, message: NotificationMessage, settings: DeliverySettings, signal: AbortSignal): Promise<DeliveryOutcome> {
  const rendered = renderNotificationMessage(message, settings.dashboardBaseUrl);
  let outcome: DeliveryOutcome;
  try {
    outcome = await attempt(action, rendered, settings, signal);
  } catch (error) {
    if (signal.aborted) throw error;
    outcome = { isSent: false, reason: error instanceof Error ? error.message : String(error), isRetryable: true };
  }
  if (outcome.isSent) return { ...outcome, detail: scrubNotificationSecrets(outcome.detail, action) };
  return { ...outcome, reason: scrubNotificationSecrets(outcome.reason, action).slice(0, 1000) };
}
