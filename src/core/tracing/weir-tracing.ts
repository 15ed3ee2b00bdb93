/**
 * OpenTelemetry traces of Weir. Off unless `OTEL_EXPORTER_OTLP_ENDPOINT` or
 * `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` is set (and neither `OTEL_SDK_DISABLED=true` nor
 * `OTEL_TRACES_EXPORTER=none`). Off, nothing of OpenTelemetry is loaded: `tracingIfConfigured()`
 * answers null and every caller skips its span work, so the task engine pays one null check.
 *
 * On, the first caller loads the SDK and the OTLP/HTTP exporter (`import()`, once per process):
 * a tracer provider of service `weir` (OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES apply)
 * whose batch span processor sends OTLP over HTTP with JSON bodies to the endpoint. The exporter
 * and the processor read the other standard variables themselves (OTEL_EXPORTER_OTLP_HEADERS,
 * _TIMEOUT, OTEL_BSP_*, OTEL_TRACES_SAMPLER). The provider is Weir's own, not registered as the
 * global one: a process whose code sets up OpenTelemetry itself keeps its own provider.
 * Parents are passed explicitly (no context manager): spans of user code do not nest under Weir's.
 */
import type { Attributes, Context, Span, SpanContext } from "@opentelemetry/api";
import { formatTraceparent } from "./traceparent.js";

/** How a span starts. */
export interface SpanStart {
  attributes?: Attributes;
  /** Its parent: a local span, or a remote span context (from a `traceparent`). @default null (a new trace) */
  parent?: Span | SpanContext | null;
  /** @default "internal" */
  kind?: "internal" | "server";
  /** When it started, in epoch milliseconds. @default now */
  startTimeMs?: number;
}

/** Weir's tracer, once loaded (see file header). */
export interface WeirTracing {
  startSpan(name: string, start?: SpanStart): Span;
  /** End a span, with status ERROR and `errorMessage` when given. */
  endSpan(span: Span, errorMessage?: string | null): void;
  /** The `traceparent` that makes a span the parent of work elsewhere. */
  traceparentOf(span: Span): string;
  /** Export the spans ended so far. */
  flush(): Promise<void>;
}

let loading: Promise<WeirTracing | null> | null = null;

/** Whether the environment asks for traces (see file header). */
export function isTracingConfigured(env: NodeJS.ProcessEnv = process.env): boolean {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return false;
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return false;
  return env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() !== "none";
}

/**
 * Weir's tracer when traces are configured (loaded on the first call), else null at once.
 * Resolves to null when the SDK cannot be loaded (said once on stderr).
 */
export function tracingIfConfigured(): Promise<WeirTracing | null> | null {
  if (loading !== null) return loading;
  if (!isTracingConfigured()) return null;
  loading = loadTracing().catch((error: unknown) => {
    process.stderr.write(`weir: traces are off, the OpenTelemetry SDK could not be loaded: ${error instanceof Error ? error.message : String(error)}\n`);
    return null;
  });
  return loading;
}

/** Export the spans ended so far, if traces were ever loaded in this process (a no-op otherwise). */
export async function flushTracing(): Promise<void> {
  if (loading === null) return;
  const tracing = await loading;
  await tracing?.flush().catch(() => undefined);
}

async function loadTracing(): Promise<WeirTracing> {
  const [api, sdk, exporterModule, resources, semconv] = await Promise.all([
    import("@opentelemetry/api"),
    import("@opentelemetry/sdk-trace-base"),
    import("@opentelemetry/exporter-trace-otlp-http"),
    import("@opentelemetry/resources"),
    import("@opentelemetry/semantic-conventions"),
  ]);
  warnOfUnsupportedProtocol();
  // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (the env detector) win over the default name.
  const resource = resources.resourceFromAttributes({ [semconv.ATTR_SERVICE_NAME]: "weir" }).merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.BasicTracerProvider({ resource, spanProcessors: [new sdk.BatchSpanProcessor(new exporterModule.OTLPTraceExporter())] });
  const tracer = provider.getTracer("weir");
  const flush = (): Promise<void> => provider.forceFlush();
  // A script that runs flows in process and simply ends still exports its last spans.
  process.once("beforeExit", () => void flush().catch(() => undefined));
  const parentContext = (parent: Span | SpanContext | null | undefined): Context => {
    if (parent === null || parent === undefined) return api.ROOT_CONTEXT;
    return "spanContext" in parent ? api.trace.setSpan(api.ROOT_CONTEXT, parent) : api.trace.setSpanContext(api.ROOT_CONTEXT, parent);
  };
  return {
    startSpan(name, start = {}) {
      return tracer.startSpan(
        name,
        {
          kind: start.kind === "server" ? api.SpanKind.SERVER : api.SpanKind.INTERNAL,
          ...(start.attributes === undefined ? {} : { attributes: start.attributes }),
          ...(start.startTimeMs === undefined ? {} : { startTime: start.startTimeMs }),
        },
        parentContext(start.parent),
      );
    },
    endSpan(span, errorMessage) {
      if (errorMessage !== undefined && errorMessage !== null) span.setStatus({ code: api.SpanStatusCode.ERROR, message: errorMessage });
      span.end();
    },
    traceparentOf: (span) => formatTraceparent(span.spanContext()),
    flush,
  };
}

// The installed exporter speaks OTLP/HTTP with JSON, which every OTLP/HTTP receiver accepts; gRPC
// listens elsewhere (port 4317), so a gRPC setting most likely names an endpoint that cannot answer.
function warnOfUnsupportedProtocol(): void {
  const protocol = (process.env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? process.env.OTEL_EXPORTER_OTLP_PROTOCOL ?? "").trim().toLowerCase();
  if (protocol === "grpc") {
    process.stderr.write("weir: OTEL_EXPORTER_OTLP_PROTOCOL=grpc is not supported: traces go over OTLP/HTTP (JSON); point OTEL_EXPORTER_OTLP_ENDPOINT at the collector's HTTP port (usually 4318)\n");
  }
}
