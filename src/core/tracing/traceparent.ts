/**
 * The W3C Trace Context `traceparent` text (`00-<trace id>-<span id>-<flags>`), read and written
 * without OpenTelemetry loaded: a run's process receives its parent span this way in the
 * TRACEPARENT environment variable, and the server in the `traceparent` request header.
 */
import type { SpanContext } from "@opentelemetry/api";

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ALL_ZEROS = /^0+$/;

/** The remote span context a `traceparent` names, or null when the text is missing or malformed. */
export function parseTraceparent(text: string | undefined | null): SpanContext | null {
  if (text === undefined || text === null) return null;
  const match = TRACEPARENT.exec(text.trim());
  if (match === null) return null;
  const [, version, traceId, spanId, flags, rest] = match as unknown as [string, string, string, string, string, string | undefined];
  // Version ff is invalid; version 00 has exactly four fields (later versions may add some).
  if (version === "ff" || (version === "00" && rest !== undefined)) return null;
  if (ALL_ZEROS.test(traceId) || ALL_ZEROS.test(spanId)) return null;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & 1, isRemote: true };
}

/** The `traceparent` of a span context (version 00, sampled flag only). */
export function formatTraceparent(context: SpanContext): string {
  return `00-${context.traceId}-${context.spanId}-${(context.traceFlags & 1) === 1 ? "01" : "00"}`;
}
