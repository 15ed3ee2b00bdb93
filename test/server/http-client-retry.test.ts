/**
 * `HttpClient` against a port where nobody listens: bounded retries with backoff for idempotent
 * calls, a clear UNAVAILABLE error, and a bounded buffer for task-run writes and logs.
 */
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { WeirError } from "../../src/core/weir-error.js";

async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe("HttpClient retries", () => {
  it("retries an idempotent call a bounded number of times with growing delays, then fails UNAVAILABLE", async () => {
    const delays: number[] = [];
    const client = new HttpClient({ apiUrl: await closedPortUrl(), retries: 3, sleep: async (ms) => void delays.push(ms) });
    const error = await client.readFlowRun("x").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe("UNAVAILABLE");
    expect((error as WeirError).message).toMatch(/cannot reach the Weir server/);
    expect(delays).toEqual([50, 100, 200]);
    await client.close();
  });

  it("retries a non-idempotent call only while the connection is refused", async () => {
    const delays: number[] = [];
    const client = new HttpClient({ apiUrl: await closedPortUrl(), retries: 2, sleep: async (ms) => void delays.push(ms) });
    await expect(client.createArtifact({ type: "markdown", data: "x" })).rejects.toMatchObject({ code: "UNAVAILABLE" });
    expect(delays).toHaveLength(2);
    await client.close();
  });

  it("waits out a server restart within its retry window, for any call, and fails fast without one", async () => {
    const url = await closedPortUrl();
    const port = Number(new URL(url).port);
    const delays: number[] = [];
    let restarted: Server | undefined;
    // The "restart": after four refused attempts, a server comes up on the port.
    const sleep = async (ms: number): Promise<void> => {
      delays.push(ms);
      if (delays.length === 4) {
        restarted = createHttpServer((_request, response) => {
          response.writeHead(404, { "content-type": "application/json" });
          response.end(JSON.stringify({ error: { code: "NOT_FOUND", message: "no flow run x" } }));
        });
        await new Promise<void>((resolve) => restarted?.listen(port, "127.0.0.1", resolve));
      }
    };
    const patient = new HttpClient({ apiUrl: url, retries: 1, retryWindowMs: 30_000, sleep });
    await expect(patient.createArtifact({ type: "markdown", data: "x" })).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect(delays.length).toBeGreaterThanOrEqual(4);
    await patient.close();
    await new Promise<void>((resolve) => restarted?.close(() => resolve()));

    const impatient = new HttpClient({ apiUrl: await closedPortUrl(), retries: 1, retryWindowMs: 0, sleep: async () => undefined });
    await expect(impatient.readFlowRun("x")).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await impatient.close();
  });

  it("bounds the items waiting for the server", async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const client = new HttpClient({
      apiUrl: await closedPortUrl(),
      bufferedWriteRetries: 1,
      maxBufferedItems: 3,
      sleep: () => gate,
    });
    const log = { level: "INFO" as const, name: "t", message: "m", timestamp: new Date().toISOString() };
    const waiting = client.appendLogs([log, log]);
    await expect(client.appendLogs([log, log])).rejects.toMatchObject({ code: "UNAVAILABLE", message: expect.stringMatching(/too many writes/) });
    release();
    await expect(waiting).rejects.toMatchObject({ code: "UNAVAILABLE" });
    await client.appendLogs([]);
    await client.close();
  });

  it("rejects a bad apiUrl naming the field", () => {
    expect(() => new HttpClient({ apiUrl: "not a url" })).toThrow(/apiUrl/);
    expect(() => new HttpClient({ apiUrl: "http://h:1", retries: -1 })).toThrow(/retries/);
    expect(new HttpClient({ apiUrl: "http://h:1/" }).options.baseUrl).toBe("http://h:1/api");
    expect(new HttpClient({ apiUrl: "http://h:1/api/" }).options.baseUrl).toBe("http://h:1/api");
  });

  it("fails with TIMEOUT when the server accepts but never answers", async () => {
    const sockets: Socket[] = [];
    const silent = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const address = silent.address();
    const port = typeof address === "object" && address ? address.port : 0;
    const client = new HttpClient({ apiUrl: `http://127.0.0.1:${port}`, requestTimeoutMs: 200, retries: 0 });
    try {
      await expect(client.readFlow("x")).rejects.toMatchObject({ code: "TIMEOUT" });
    } finally {
      await client.close();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
