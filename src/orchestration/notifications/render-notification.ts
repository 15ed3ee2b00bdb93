/**
 * Rendering a notification: the message with its absolute dashboard link, templates
 * (`{{ flowRun.name }}` → a field of that message), and the default text of a message.
 */
import type { NotificationMessage, RenderedNotificationMessage } from "../../core/notification-deliveries.js";

const PLACEHOLDER = /\{\{\s*([A-Za-z_$][\w$]*(?:\.[\w$]+)*)\s*\}\}/g;

/** The message as sent: `dashboardPath` becomes `dashboardUrl` under `baseUrl` (null without one). */
export function renderNotificationMessage(message: NotificationMessage, baseUrl: string | null): RenderedNotificationMessage {
  const { dashboardPath, ...rest } = message;
  return { ...rest, dashboardUrl: baseUrl === null || dashboardPath === null ? null : `${baseUrl}${dashboardPath}` };
}

function lookup(values: unknown, path: string): unknown {
  let current: unknown = values;
  for (const part of path.split(".")) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

/** Replace each `{{ path }}` in `template` with that field of `values` (objects as JSON; missing → empty). */
export function renderTemplate(template: string, values: unknown): string {
  return template.replace(PLACEHOLDER, (_match, path: string) => {
    const value = lookup(values, path);
    if (value === undefined || value === null) return "";
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  });
}

/** A JSON template: every string inside rendered, the rest kept. */
export function renderJsonTemplate(template: unknown, values: unknown): unknown {
  if (typeof template === "string") return renderTemplate(template, values);
  if (Array.isArray(template)) return template.map((item) => renderJsonTemplate(item, values));
  if (template !== null && typeof template === "object") {
    return Object.fromEntries(Object.entries(template).map(([key, value]) => [key, renderJsonTemplate(value, values)]));
  }
  return template;
}

/** The default text of a message: its summary, then the dashboard link. */
export function defaultNotificationText(message: RenderedNotificationMessage): string {
  return message.dashboardUrl === null ? message.summary : `${message.summary}\n${message.dashboardUrl}`;
}

/** A colour for the run's state: red for a failure, green for success, grey otherwise (hex RGB). */
export function notificationColour(message: RenderedNotificationMessage): number {
  const type = message.flowRun?.stateType;
  if (type === "FAILED" || type === "CRASHED") return 0xd0312d;
  if (type === "COMPLETED") return 0x2e8540;
  if (type === "CANCELLED" || type === "CANCELLING") return 0x8a8a8a;
  return 0x3b6ea8;
}
