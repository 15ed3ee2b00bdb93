// W3C traceparent text (src/core/tracing/traceparent.ts): what is read, what is refused, and the
// round trip; and when the environment turns traces on (src/core/tracing/weir-tracing.ts).
import { describe, expect, it } from "vitest";
import { formatTraceparent, parseTraceparent } from "../../src/core/tracing/traceparent.js";
import { isTracingConfigured } from "../../src/core/tracing/weir-tracing.js";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN_ID = "00f067aa0ba902b7";

describe("parseTraceparent", () => {
  it("reads a sampled and an unsampled parent as remote span contexts", () => {
    expect(parseTraceparent(`00-${TRACE_ID}-${SPAN_ID}-01`)).toEqual({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: 1, isRemote: true });
    expect(parseTraceparent(` 00-${TRACE_ID}-${SPAN_ID}-00 `)?.traceFlags).toBe(0);
    // A later version may add fields after the four it shares with version 00.
    expect(parseTraceparent(`01-${TRACE_ID}-${SPAN_ID}-01-extra`)?.spanId).toBe(SPAN_ID);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["upper-case hex", `00-${TRACE_ID.toUpperCase()}-${SPAN_ID}-01`],
    ["version ff", `ff-${TRACE_ID}-${SPAN_ID}-01`],
    ["version 00 with more fields", `00-${TRACE_ID}-${SPAN_ID}-01-extra`],
    ["all-zero trace id", `00-${"0".repeat(32)}-${SPAN_ID}-01`],
    ["all-zero span id", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
    ["short span id", `00-${TRACE_ID}-00f067aa0ba902-01`],
  ])("refuses a %s traceparent", (_what, text) => {
    expect(parseTraceparent(text)).toBeNull();
  });

  it("formats what it reads back to the same text", () => {
    const text = `00-${TRACE_ID}-${SPAN_ID}-01`;
    expect(formatTraceparent(parseTraceparent(text)!)).toBe(text);
  });
});

describe("isTracingConfigured", () => {
  it.each([
    [{}, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }, true],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "" }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "TRUE" }, false],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_SDK_DISABLED: "false" }, true],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318", OTEL_TRACES_EXPORTER: "none" }, false],
  ])("%j → %s", (env, expected) => {
    expect(isTracingConfigured(env)).toBe(expected);
  });
});
