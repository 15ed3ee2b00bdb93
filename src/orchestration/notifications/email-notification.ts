/**
 * One email attempt over SMTP with nodemailer: a text part and an HTML part, through the
 * action's `smtp` URL or the server's `WEIR_SMTP_URL`. `smtp://` upgrades with STARTTLS when
 * the server offers it (`?requireTLS=true` insists, `?ignoreTLS=true` never tries), `smtps://`
 * speaks TLS from the start; `?rejectUnauthorized=false` accepts a self-signed certificate.
 * SMTP replies 4xx and connection errors are retryable; 5xx replies (a refused address, bad
 * credentials) are not.
 */
import nodemailer from "nodemailer";
import type SMTPTransport from "nodemailer/lib/smtp-transport/index.js";
import type { EmailAction } from "../../core/notification-actions.js";
import type { RenderedNotificationMessage } from "../../core/notification-deliveries.js";
import { errorChain, failedOutcome, type DeliveryOutcome } from "./delivery-outcome.js";
import { defaultNotificationText, renderTemplate } from "./render-notification.js";

/** How to send. */
export interface EmailSendOptions {
  /** `WEIR_SMTP_URL` (used when the action has no `smtp`). */
  serverSmtpUrl: string | null;
  /** `WEIR_SMTP_FROM` (used when the action has no `from`). */
  serverFrom: string | null;
  timeoutMs: number;
  /** Aborts the attempt; the promise then rejects with the signal's reason. */
  signal: AbortSignal;
}

function isTrue(value: string | null): boolean {
  return value !== null && ["1", "true", "yes"].includes(value.toLowerCase());
}

/** nodemailer's transport options from an smtp:// or smtps:// URL. */
export function smtpTransportOptions(smtpUrl: string, timeoutMs: number): SMTPTransport.Options {
  const url = new URL(smtpUrl);
  const secure = url.protocol === "smtps:";
  const user = decodeURIComponent(url.username);
  const options: SMTPTransport.Options = {
    host: url.hostname.replace(/^\[|\]$/g, ""),
    port: url.port === "" ? (secure ? 465 : 587) : Number(url.port),
    secure,
    requireTLS: isTrue(url.searchParams.get("requireTLS")),
    ignoreTLS: isTrue(url.searchParams.get("ignoreTLS")),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    ...(url.searchParams.get("rejectUnauthorized") === "false" ? { tls: { rejectUnauthorized: false } } : {}),
    ...(user === "" ? {} : { auth: { user, pass: decodeURIComponent(url.password) } }),
  };
  return options;
}

function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** The text and HTML of an email about `message` (`body` template, else the default text). */
export function emailContent(action: EmailAction, message: RenderedNotificationMessage): { subject: string; text: string; html: string } {
  const subject = (action.subject === undefined ? message.title : renderTemplate(action.subject, message)).replace(/[\r\n]+/g, " ").slice(0, 500);
  const text = action.body === undefined ? `${message.title}\n\n${defaultNotificationText(message)}\n` : renderTemplate(action.body, message);
  const link = message.dashboardUrl === null ? "" : `<p><a href="${escapeHtml(message.dashboardUrl)}">Open in Weir</a></p>`;
  const paragraphs = (action.body === undefined ? message.summary : text).split(/\n{2,}/).map((part) => `<p>${escapeHtml(part).replaceAll("\n", "<br>")}</p>`);
  const html = `<!doctype html><html><body><h2>${escapeHtml(message.title)}</h2>${paragraphs.join("")}${link}</body></html>`;
  return { subject, text, html };
}

function classify(error: unknown): DeliveryOutcome {
  const code = (error as { responseCode?: unknown }).responseCode;
  const reason = errorChain(error);
  if (typeof code === "number") return failedOutcome(`SMTP ${code}: ${reason}`, code < 500);
  const errorCode = (error as { code?: unknown }).code;
  // Bad addresses or message: the same again fails the same way.
  if (errorCode === "EENVELOPE" || errorCode === "EMESSAGE") return failedOutcome(reason, false);
  return failedOutcome(reason, true);
}

/** Send one email (see file header). */
export async function sendNotificationEmail(action: EmailAction, message: RenderedNotificationMessage, options: EmailSendOptions): Promise<DeliveryOutcome> {
  const smtpUrl = action.smtp ?? options.serverSmtpUrl;
  if (smtpUrl === null || smtpUrl === "") return failedOutcome("no SMTP server: give the email action an smtp URL, or set WEIR_SMTP_URL on the server", false);
  let transportOptions: SMTPTransport.Options;
  try {
    transportOptions = smtpTransportOptions(smtpUrl, options.timeoutMs);
  } catch {
    return failedOutcome("the SMTP server URL is not a URL (smtp://user:password@host:port)", false);
  }
  const user = transportOptions.auth?.user;
  const from = action.from ?? options.serverFrom ?? (user !== undefined && user.includes("@") ? user : "weir@localhost");
  const { subject, text, html } = emailContent(action, message);
  const transport = nodemailer.createTransport(transportOptions);
  const onAbort = (): void => transport.close();
  options.signal.addEventListener("abort", onAbort, { once: true });
  try {
    const info = await transport.sendMail({ from, to: action.to, ...(action.cc === undefined ? {} : { cc: action.cc }), subject, text, html });
    if (info.rejected.length > 0 && info.accepted.length === 0) return failedOutcome(`SMTP refused every recipient: ${info.response}`, false);
    return { isSent: true, detail: info.response };
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    return classify(error);
  } finally {
    options.signal.removeEventListener("abort", onAbort);
    transport.close();
  }
}
