/**
 * Secrets of notification actions: which fields are secret, how they read back (`****`), and
 * how the whole action is kept encrypted at rest under the server key (secret-cipher.ts).
 *
 * Secret fields: a webhook's `headers` values and the userinfo and query string of its URL; the
 * whole path and query of a Slack, Teams or Discord webhook URL (the token is in it); the
 * password of an email action's `smtp` URL. A redacted action has the same shape, with `****`
 * in place of each secret, so it can be shown, stored in the clear and compared.
 */
import type { NotificationAction } from "../../core/notification-actions.js";
import { WeirError, isWeirError } from "../../core/weir-error.js";
import { decryptSecret, encryptSecret } from "../secret-cipher.js";
import type { SecretKeySource } from "../secret-key-source.js";

/** What a secret reads as. */
export const NOTIFICATION_SECRET_MASK = "****";

const MASK = NOTIFICATION_SECRET_MASK;

/** An action kept at rest: the redacted form in clear, the whole action sealed (null when nothing is secret). */
export interface SealedNotificationAction {
  redacted: NotificationAction;
  sealed: string | null;
}

function redactUrl(text: string, keepsPath: boolean): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return MASK;
  }
  const user = url.username === "" && url.password === "" ? "" : `${url.username}:${MASK}@`;
  const path = keepsPath ? url.pathname : url.pathname === "/" || url.pathname === "" ? "" : `/${MASK}`;
  const query = keepsPath && url.search !== "" ? `?${MASK}` : "";
  return `${url.protocol}//${user}${url.host}${path}${query}`;
}

function hasUrlSecret(text: string): boolean {
  try {
    const url = new URL(text);
    return url.username !== "" || url.password !== "" || url.search !== "";
  } catch {
    return true;
  }
}

/** Whether an action has a secret field (see file header). */
export function hasNotificationSecrets(action: NotificationAction): boolean {
  switch (action.type) {
    case "webhook":
      return hasUrlSecret(action.url) || Object.keys(action.headers ?? {}).length > 0;
    case "slack":
    case "teams":
    case "discord":
      return true;
    case "email":
      return action.smtp !== undefined && hasUrlSecret(action.smtp);
  }
}

/** A URL as it may be shown: userinfo and query of a webhook replaced by `****`; a chat webhook keeps only its host. */
export function redactNotificationUrl(action: NotificationAction): string {
  switch (action.type) {
    case "webhook":
      return hasUrlSecret(action.url) ? redactUrl(action.url, true) : action.url;
    case "slack":
    case "teams":
    case "discord":
      return redactUrl(action.url, false);
    case "email":
      if (action.smtp === undefined) return "WEIR_SMTP_URL";
      return hasUrlSecret(action.smtp) ? redactUrl(action.smtp, true) : action.smtp;
  }
}

/** The action with each secret replaced by `****` (see file header). */
export function redactNotificationAction(action: NotificationAction): NotificationAction {
  switch (action.type) {
    case "webhook": {
      const headers = action.headers === undefined ? undefined : Object.fromEntries(Object.keys(action.headers).map((name) => [name, MASK]));
      return { ...action, url: redactNotificationUrl(action), ...(headers === undefined ? {} : { headers }) };
    }
    case "slack":
    case "teams":
    case "discord":
      return { ...action, url: redactNotificationUrl(action) };
    case "email":
      return action.smtp === undefined ? action : { ...action, smtp: redactNotificationUrl(action) };
  }
}

/** Where an action sends, in one line for lists (secrets redacted). */
export function notificationTarget(action: NotificationAction): string {
  if (action.type === "email") {
    const to = Array.isArray(action.to) ? action.to.join(", ") : action.to;
    return `${to} via ${redactNotificationUrl(action)}`;
  }
  if (action.type === "webhook") return `${action.method ?? "POST"} ${redactNotificationUrl(action)}`;
  return redactNotificationUrl(action);
}

/** The secret strings of an action (to scrub from error messages). */
export function notificationSecrets(action: NotificationAction): string[] {
  const secrets: string[] = [];
  const fromUrl = (text: string, isWhole: boolean): void => {
    try {
      const url = new URL(text);
      if (url.password !== "") secrets.push(url.password, decodeURIComponent(url.password));
      if (url.search.length > 1) secrets.push(url.search.slice(1));
      if (isWhole && url.pathname.length > 1) secrets.push(url.pathname.slice(1));
    } catch {
      secrets.push(text);
    }
  };
  switch (action.type) {
    case "webhook":
      fromUrl(action.url, false);
      for (const value of Object.values(action.headers ?? {})) secrets.push(value);
      break;
    case "slack":
    case "teams":
    case "discord":
      fromUrl(action.url, true);
      break;
    case "email":
      if (action.smtp !== undefined) fromUrl(action.smtp, false);
      break;
  }
  return [...new Set(secrets.filter((secret) => secret.length >= 4))].sort((a, b) => b.length - a.length);
}

/** `text` with every secret of `action` replaced by `****`. */
export function scrubNotificationSecrets(text: string, action: NotificationAction): string {
  let scrubbed = text;
  for (const secret of notificationSecrets(action)) scrubbed = scrubbed.split(secret).join(MASK);
  return scrubbed;
}

function keyError(error: unknown): never {
  if (isWeirError(error)) {
    throw new WeirError(error.code, error.message.replace("secret variables need a server key", "the secrets of notification actions need a server key"), { cause: error });
  }
  throw error;
}

/**
 * The action to keep at rest: redacted in clear, and sealed under the server key with `context`
 * (e.g. `notification-delivery:<id>`) as authenticated data. Asks for the key only when the
 * action has a secret, so a plain webhook needs no `WEIR_SECRET_KEY` on PostgreSQL.
 */
export function sealNotificationAction(action: NotificationAction, secretKey: SecretKeySource, context: string): SealedNotificationAction {
  const redacted = redactNotificationAction(action);
  if (!hasNotificationSecrets(action)) return { redacted, sealed: null };
  try {
    return { redacted, sealed: encryptSecret(secretKey(true), JSON.stringify(action), context) };
  } catch (error) {
    return keyError(error);
  }
}

/** The whole action back from what `sealNotificationAction` gave (same `context`). */
export function unsealNotificationAction(stored: SealedNotificationAction, secretKey: SecretKeySource, context: string): NotificationAction {
  if (stored.sealed === null) return stored.redacted;
  try {
    return JSON.parse(decryptSecret(secretKey(false), stored.sealed, context)) as NotificationAction;
  } catch (error) {
    if (isWeirError(error)) {
      throw new WeirError(error.code, `cannot read the secrets of the notification action (${context}): ${error.message.replace(/^secret variable '[^']*'(: )?/, "")}`, { cause: error });
    }
    throw error;
  }
}

/**
 * Write-only secrets: an updated action whose secret fields still read `****` (as the API
 * showed them) keeps the previous action's values there. Use it when an automation is updated.
 */
export function keepRedactedSecrets(next: NotificationAction, previous: NotificationAction | null): NotificationAction {
  if (previous === null || previous.type !== next.type) return next;
  const result = { ...next } as NotificationAction & { url?: string; headers?: Record<string, string>; smtp?: string };
  const prev = previous as NotificationAction & { url?: string; headers?: Record<string, string>; smtp?: string };
  if ("url" in next && prev.url !== undefined && next.url === redactNotificationUrl(previous)) result.url = prev.url;
  if (next.type === "webhook" && next.headers !== undefined) {
    result.headers = Object.fromEntries(Object.entries(next.headers).map(([name, value]) => [name, value === MASK && prev.headers?.[name] !== undefined ? prev.headers[name] : value]));
  }
  if (next.type === "email" && next.smtp !== undefined && prev.smtp !== undefined && next.smtp === redactNotificationUrl(previous)) result.smtp = prev.smtp;
  return result;
}
