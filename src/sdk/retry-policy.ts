import { WeirError } from "../core/weir-error.js";
import { NonRetryableError } from "./non-retryable-error.js";
import { RetryAfterError } from "./retry-after-error.js";

/** Delay before retry number `attempt` (1 = first retry): seconds, a list (last repeats), or a function. */
export type RetryDelay = number | readonly number[] | ((attempt: number) => number);

/** How a task or flow retries after a failure. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 0 */
  retries?: number;
  /** @default 0 */
  retryDelaySeconds?: RetryDelay;
  /** Adds up to `factor × delay` of random extra delay, so many retries do not collide. @default 0 */
  retryJitterFactor?: number;
  /** Decide whether an error is worth retrying (after `NonRetryableError` has been ruled out). @default () => true */
  retryCondition?: (error: unknown, attempt: number) => boolean | Promise<boolean>;
}

/** Retry options validated, with defaults filled. */
export interface CompiledRetryPolicy {
  readonly retries: number;
  readonly delay: RetryDelay;
  readonly jitterFactor: number;
  readonly condition: ((error: unknown, attempt: number) => boolean | Promise<boolean>) | null;
}

/** No retries. */
export const NO_RETRIES: CompiledRetryPolicy = Object.freeze({ retries: 0, delay: 0, jitterFactor: 0, condition: null });

/** Validate retry options (naming the bad field under `what`) and fill defaults. */
export function compileRetryPolicy(options: RetryOptions, what: string): CompiledRetryPolicy {
  const retries = options.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw WeirError.validation(what, [{ path: "retries", message: "must be a whole number ≥ 0" }]);
  }
  const delay = options.retryDelaySeconds ?? 0;
  const delays = typeof delay === "number" ? [delay] : Array.isArray(delay) ? delay : [];
  if (delays.some((value: number) => !Number.isFinite(value) || value < 0)) {
    throw WeirError.validation(what, [{ path: "retryDelaySeconds", message: "delays must be finite numbers ≥ 0" }]);
  }
  const jitterFactor = options.retryJitterFactor ?? 0;
  if (!Number.isFinite(jitterFactor) || jitterFactor < 0) {
    throw WeirError.validation(what, [{ path: "retryJitterFactor", message: "must be a number ≥ 0" }]);
  }
  if (retries === 0 && options.retryCondition === undefined) return NO_RETRIES;
  return Object.freeze({
    retries,
    delay: Array.isArray(delay) ? Object.freeze([...delay]) : delay,
    jitterFactor,
    condition: options.retryCondition ?? null,
  });
}

/** Seconds to wait before retry number `attempt` (1-based), jitter included. */
export function retryDelaySeconds(policy: CompiledRetryPolicy, attempt: number, error: unknown, random: () => number): number {
  if (error instanceof RetryAfterError) return Math.max(0, error.delaySeconds);
  const { delay } = policy;
  let seconds: number;
  if (typeof delay === "number") seconds = delay;
  else if (typeof delay === "function") seconds = delay(attempt);
  else seconds = delay[Math.min(attempt - 1, delay.length - 1)] ?? 0;
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  return seconds + seconds * policy.jitterFactor * random();
}

/** Whether a failed attempt (1-based) should be retried under the policy. */
export async function shouldRetry(policy: CompiledRetryPolicy, attempt: number, error: unknown): Promise<boolean> {
  if (attempt > policy.retries) return false;
  if (error instanceof NonRetryableError) return false;
  if (policy.condition === null) return true;
  return Boolean(await policy.condition(error, attempt));
}

/** Stored form of a policy's delays (a list; functions are stored as their first values). */
export function storedRetryDelays(policy: CompiledRetryPolicy): number[] {
  const { delay } = policy;
  if (typeof delay === "number") return [delay];
  if (typeof delay === "function") return Array.from({ length: Math.min(policy.retries, 10) || 1 }, (_, index) => delay(index + 1));
  return [...delay];
}

/**
 * Delays that double on each retry: `factor`, `2 × factor`, `4 × factor`, …
 * @example task({ name: "fetch", retries: 4, retryDelaySeconds: exponentialBackoff(2) }, fetchPage)
 */
export function exponentialBackoff(factor: number): (attempt: number) => number {
  if (!Number.isFinite(factor) || factor < 0) {
    throw WeirError.validation("exponentialBackoff", [{ path: "factor", message: "must be a number ≥ 0" }]);
  }
  return (attempt) => factor * 2 ** Math.max(0, attempt - 1);
}
