// `weir server start` with OTEL_EXPORTER_OTLP_ENDPOINT set, as a real process with a local OTLP
// receiver: a span per request named by method and route template (never the raw path), with
// the HTTP attributes and status; a `traceparent` header makes it the caller's child; a 404 is
// not an error, and the spans are exported by the time the server stopped.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startOtlpReceiver, type OtlpReceiver } from "../helpers/otlp-receiver.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { startWeir, waitFor } from "../worker/worker-test-kit.js";

const database = useTestDatabase();
let receiver: OtlpReceiver;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
});

afterAll(async () => {
  await receiver?.close();
});

describe("server request spans", () => {
  it("exports a span per request, named by its route template, child of the caller's traceparent", { timeout: 60_000 }, async () => {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("OTEL_") && key !== "TRACEPARENT") env[key] = value;
    Object.assign(env, { WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_FROM_SOURCE: "1", WEIR_API_KEY: "", OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    const server = startWeir(["server", "start", "--port", "0", "--no-services"], env);
    try {
      const url = await waitFor(async () => /Weir server ready at (http:\/\/\S+)/.exec(server.output())?.[1], 20_000, "the server's ready line");
      const missingId = randomUUID();
      const traceparent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
      expect((await fetch(`${url}/api/flow-runs/${missingId}`, { headers: { traceparent } })).status).toBe(404);
      expect((await fetch(`${url}/api/health`)).status).toBe(200);
      expect(await server.stop("SIGTERM")).toBe(0);
      // The server flushed its spans as it stopped.
      const read = receiver.spans.find((span) => span.name === "GET /api/flow-runs/:id");
      expect(read, receiver.spans.map((span) => span.name).join(", ")).toBeDefined();
      expect(read!.traceId).toBe("0af7651916cd43dd8448eb211c80319c");
      expect(read!.parentSpanId).toBe("b7ad6b7169203331");
      expect(read!.kind).toBe(2); // SERVER
      expect(read!.attributes).toMatchObject({ "http.request.method": "GET", "http.route": "/api/flow-runs/:id", "url.path": `/api/flow-runs/${missingId}`, "http.response.status_code": 404 });
      expect(read!.status.code ?? 0).toBe(0);
      expect(read!.resource["service.name"]).toBe("weir");
      const health = receiver.spans.find((span) => span.name === "GET /api/health");
      expect(health?.parentSpanId).toBe("");
      expect(health?.attributes["http.response.status_code"]).toBe(200);
      expect(receiver.spans.every((span) => !span.name.includes(missingId))).toBe(true);
    } finally {
      await server.stop("SIGKILL");
    }
  });
});
