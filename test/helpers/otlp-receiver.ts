/**
 * A local OTLP/HTTP trace receiver for tests: a node:http server on 127.0.0.1 that takes
 * `POST /v1/traces` with JSON bodies (what Weir's exporter sends) and keeps their spans, flat,
 * with their resource attributes. Anything else it answers 415/404 and remembers as a refusal,
 * so a test sees an exporter that spoke another encoding.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One received span, its attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  status: { code?: number; message?: string };
  resource: Record<string, unknown>;
}

/** A started receiver. */
export interface OtlpReceiver {
  /** Base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
  url: string;
  spans: ReceivedSpan[];
  /** Requests it could not take (wrong path, content type or body). */
  refusals: string[];
  /** Resolves once `count` spans arrived (rejects after `timeoutMs`). */
  waitForSpans(count: number, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

interface JsonKeyValue {
  key: string;
  value: Record<string, unknown>;
}

/** Start a receiver on a free port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const refusals: string[] = [];
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const type = request.headers["content-type"] ?? "";
      if (request.method !== "POST" || request.url !== "/v1/traces") {
        refusals.push(`${request.method} ${request.url}`);
        response.writeHead(404).end();
        return;
      }
      if (!type.startsWith("application/json")) {
        refusals.push(`content-type ${type}`);
        response.writeHead(415).end();
        return;
      }
      try {
        spans.push(...spansOf(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
      } catch (error) {
        refusals.push(`body: ${String(error)}`);
        response.writeHead(400).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    refusals,
    async waitForSpans(count, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (spans.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} spans, got ${spans.length}: ${spans.map((span) => span.name).join(", ")} (refusals: ${refusals.join("; ") || "none"})`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return spans;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface JsonTraceBody {
  resourceSpans: Array<{
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans: Array<{ spans: Array<Record<string, unknown>> }>;
  }>;
}

function spansOf(body: unknown): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of (body as JsonTraceBody).resourceSpans) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scopeSpans of resourceSpans.scopeSpans) {
      for (const span of scopeSpans.spans) {
        out.push({
          traceId: span.traceId as string,
          spanId: span.spanId as string,
          parentSpanId: (span.parentSpanId as string | undefined) ?? "",
          name: span.name as string,
          kind: span.kind as number,
          attributes: attributesOf(span.attributes as JsonKeyValue[] | undefined),
          status: (span.status as ReceivedSpan["status"] | undefined) ?? {},
          resource,
        });
      }
    }
  }
  return out;
}

function attributesOf(list: JsonKeyValue[] | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) {
    const [first] = Object.values(value);
    // OTLP JSON carries 64-bit integers as strings.
    out[key] = "intValue" in value ? Number(first) : first;
  }
  return out;
}
