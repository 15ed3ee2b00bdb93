/**
 * What one attempt at sending a notification came to: sent, or failed with a reason (for the
 * record, secrets scrubbed) and whether trying again may help.
 */

/** The outcome of one attempt. */
export type DeliveryOutcome =
  | { isSent: true; detail: string }
  | {
      isSent: false;
      /** Why, for people (`HTTP 500 Internal Server Error: …`, `timed out after 10s`). */
      reason: string;
      /** A network error, a timeout, HTTP 408/425/429/5xx, an SMTP 4xx reply. */
      isRetryable: boolean;
      /** The receiver asked to wait this long (HTTP Retry-After). */
      retryAfterSeconds?: number;
    };

/** A failed outcome. */
export function failedOutcome(reason: string, isRetryable: boolean, retryAfterSeconds?: number): DeliveryOutcome {
  return { isSent: false, reason, isRetryable, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }) };
}

/** The message of an error and of its causes, in one line (`fetch failed: connect ECONNREFUSED 127.0.0.1:9`). */
export function errorChain(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 4; depth++) {
    const message = current instanceof Error ? current.message : String(current);
    if (message !== "" && !parts.includes(message)) parts.push(message);
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(": ") || "unknown error";
}
