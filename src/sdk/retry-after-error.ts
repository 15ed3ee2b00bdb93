/**
 * Throw from a task or flow to retry it after a given delay (instead of its configured one),
 * e.g. when an API answered 429 with Retry-After. It still counts as one of the retries.
 * @example throw new RetryAfterError(30, "rate limited");
 */
export class RetryAfterError extends Error {
  override readonly name: string = "RetryAfterError";
  /** Seconds to wait before the next attempt. */
  readonly delaySeconds: number;

  constructor(delaySeconds: number, message = `retry after ${delaySeconds} s`, options?: { cause?: unknown }) {
    super(message, options);
    this.delaySeconds = delaySeconds;
  }
}
