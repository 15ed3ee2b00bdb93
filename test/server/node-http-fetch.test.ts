/**
 * `nodeHttpFetch` (src/client/node-http-fetch.ts) against a real node:http server: what
 * `HttpClient` reads of an answer, one kept-alive connection for calls in sequence (also after a
 * 204 nobody reads), fetch's errors (a refused connection, a signal that times out before the
 * answer or while its body is read), a body read as a stream, and a redirect followed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createNetServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { nodeHttpFetch } from "../../src/client/node-http-fetch.js";

type Handler = (request: IncomingMessage, body: string, response: ServerResponse) => void;

let server: Server;
let base = "";
let connections = 0;
const handlers = new Map<string, Handler>();

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => handlers.get(request.url ?? "")?.(request, body, response));
  });
  server.on("connection", () => (connections += 1));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  base = `http://127.0.0.1:${typeof address === "object" && address !== null ? address.port : 0}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("nodeHttpFetch", () => {
  it("sends method, headers and body, and answers status, headers and text", async () => {
    handlers.set("/echo", (request, body, response) => {
      response.writeHead(201, { "content-type": "application/json", "retry-after": "3" });
      response.end(JSON.stringify({ method: request.method, length: request.headers["content-length"], type: request.headers["content-type"], body }));
    });
    const answer = await nodeHttpFetch(`${base}/echo`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"ü":1}' });
    expect(answer.status).toBe(201);
    expect(answer.ok).toBe(true);
    expect(answer.headers.get("Retry-After")).toBe("3");
    expect(answer.headers.get("x-missing")).toBeNull();
    expect(JSON.parse(await answer.text())).toEqual({ method: "POST", length: String(Buffer.byteLength('{"ü":1}')), type: "application/json", body: '{"ü":1}' });
  });

  it("keeps one connection for calls in sequence, also after answers without a body that nobody reads", async () => {
    handlers.set("/empty", (_request, _body, response) => {
      response.writeHead(204);
      response.end();
    });
    handlers.set("/text", (_request, _body, response) => response.end("x"));
    server.closeIdleConnections();
    await new Promise((resolve) => setTimeout(resolve, 50));
    const before = connections;
    for (let index = 0; index < 3; index += 1) {
      const empty = await nodeHttpFetch(`${base}/empty`, { method: "DELETE" });
      expect(empty.status).toBe(204);
      expect(await (await nodeHttpFetch(`${base}/text`, {})).text()).toBe("x");
    }
    expect(connections - before).toBe(1);
  });

  it("rejects as fetch does: a TypeError whose cause says the connection was refused", async () => {
    const closed = createNetServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const address = closed.address();
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const port = typeof address === "object" && address !== null ? address.port : 0;
    const error = await nodeHttpFetch(`http://127.0.0.1:${port}/`, {}).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe("ECONNREFUSED");
  });

  it("rejects with the signal's reason when it times out before the answer or while the body is read", async () => {
    handlers.set("/silent", () => undefined);
    const early = await nodeHttpFetch(`${base}/silent`, { signal: AbortSignal.timeout(50) }).catch((caught: unknown) => caught);
    expect(early).toBeInstanceOf(DOMException);
    expect((early as DOMException).name).toBe("TimeoutError");

    handlers.set("/half", (_request, _body, response) => {
      response.writeHead(200, { "content-type": "application/json" });
      response.write('{"partial":');
    });
    const answer = await nodeHttpFetch(`${base}/half`, { signal: AbortSignal.timeout(100) });
    const late = await answer.text().catch((caught: unknown) => caught);
    expect((late as DOMException).name).toBe("TimeoutError");
  });

  it("gives the body as a stream, chunk by chunk, before the answer ends", async () => {
    let finish: (() => void) | undefined;
    handlers.set("/stream", (_request, _body, response) => {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write("data: 1\n\n");
      finish = () => response.end("data: 2\n\n");
    });
    const answer = await nodeHttpFetch(`${base}/stream`, {});
    // Read twice, as the event stream does (a check, then the reader): the same stream.
    expect(answer.body).toBe(answer.body);
    const reader = answer.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: 1\n\n");
    finish!();
    const second = await reader.read();
    expect(new TextDecoder().decode(second.value)).toBe("data: 2\n\n");
    expect((await reader.read()).done).toBe(true);
    await expect(answer.text()).rejects.toThrow(/already read/);
  });

  it("follows a redirect as fetch does", async () => {
    handlers.set("/moved", (_request, _body, response) => {
      response.writeHead(307, { location: "/target" });
      response.end();
    });
    handlers.set("/target", (request, body, response) => response.end(`${request.method} ${body}`));
    const answer = await nodeHttpFetch(`${base}/moved`, { method: "POST", body: "kept" });
    expect(answer.status).toBe(200);
    expect(await answer.text()).toBe("POST kept");
  });
});
