/**
 * API key checking: constant-time comparison of a presented key with the configured one
 * (both hashed first, so their lengths never leak either).
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";

/** Whether `presented` equals `expected`, in time independent of where they differ. */
export function isSameKey(presented: string, expected: string): boolean {
  const a = createHash("sha256").update(presented).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

/** The key a request presents: `Authorization: Bearer <key>`, or `?apiKey=` when allowed (EventSource cannot set headers). */
export function presentedKey(context: Context, allowQueryKey: boolean): string | undefined {
  const header = context.req.header("authorization");
  const match = header ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
  if (match?.[1]) return match[1];
  return allowQueryKey ? context.req.query("apiKey") : undefined;
}
