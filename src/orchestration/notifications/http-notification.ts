/**
 * One HTTP attempt of a webhook-like notification (webhook, Slack, Teams, Discord): send, wait
 * at most the timeout, and classify the answer: 2xx sent; 408, 425, 429 and 5xx retryable
 * (honouring `Retry-After`); any other status a refusal; a network error or timeout retryable.
 */
import { errorChain, failedOutcome, type DeliveryOutcome } from "./delivery-outcome.js";

/** An HTTP request to send. */
export interface NotificationHttpRequest {
  url: string;
  method: "POST" | "PUT";
  headers: Record<string, string>;
  body: string;
}

/** How to send. */
export interface NotificationHttpOptions {
  timeoutMs: number;
  /** Aborts the attempt (the server stops); the promise then rejects with the signal's reason. */
  signal: AbortSignal;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

const RETRYABLE_STATUSES = new Set([408, 425, 429]);

/** Longest part of a response body quoted in a failure reason. */
const MAX_QUOTED_BODY = 300;

/** Seconds to wait from a Retry-After header (seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value.trim());
  if (Number.isFinite(seconds) && seconds >= 0) return seconds;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now.getTime()) / 1000);
}

async function quotedBody(response: Response): Promise<string> {
  try {
    const text = (await response.text()).replace(/\s+/g, " ").trim();
    return text === "" ? "" : `: ${text.length > MAX_QUOTED_BODY ? `${text.slice(0, MAX_QUOTED_BODY)}…` : text}`;
  } catch {
    return "";
  }
}

/** Send one request (see file header). */
export async function sendNotificationHttp(request: NotificationHttpRequest, options: NotificationHttpOptions): Promise<DeliveryOutcome> {
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const doFetch = options.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(request.url, {
      method: request.method,
      headers: request.headers,
      body: request.body,
      signal: AbortSignal.any([options.signal, timeout]),
      redirect: "follow",
    });
  } catch (error) {
    if (options.signal.aborted) throw options.signal.reason;
    if (timeout.aborted) return failedOutcome(`timed out after ${options.timeoutMs / 1000}s`, true);
    return failedOutcome(errorChain(error), true);
  }
  const status = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
  if (response.ok) {
    await response.body?.cancel().catch(() => undefined);
    return { isSent: true, detail: status };
  }
  const reason = `${status}${await quotedBody(response)}`;
  const isRetryable = RETRYABLE_STATUSES.has(response.status) || response.status >= 500;
  return failedOutcome(reason, isRetryable, isRetryable ? parseRetryAfter(response.headers.get("retry-after"), new Date()) : undefined);
}
