/**
 * A real HTTP receiver on 127.0.0.1 for notification tests: records every request (method,
 * path, headers, body) and answers each path from a script (a list of statuses used in turn,
 * the last one repeated; 200 by default). `waitFor` resolves once enough requests arrived.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One recorded request. */
export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** When it arrived (ms since epoch). */
  at: number;
}

/** How to answer one path. */
export interface ReceiverScript {
  /** Statuses to answer in turn; the last repeats. @default [200] */
  statuses?: number[];
  /** Extra response headers (e.g. retry-after). */
  headers?: Record<string, string>;
  /** Wait this long before answering. @default 0 */
  delayMs?: number;
  /** Never answer (the client must time out). */
  hangs?: boolean;
}

/** A running receiver. */
export interface HttpReceiver {
  url: string;
  requests: ReceivedRequest[];
  script(path: string, script: ReceiverScript): void;
  /** Requests to `path` so far. */
  to(path: string): ReceivedRequest[];
  /** Wait until `path` got `count` requests (rejects after `timeoutMs`). */
  waitFor(path: string, count?: number, timeoutMs?: number): Promise<ReceivedRequest[]>;
  close(): Promise<void>;
}

/** Start a receiver on a free port. */
export async function startHttpReceiver(): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const scripts = new Map<string, ReceiverScript>();
  const served = new Map<string, number>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const path = request.url ?? "/";
      const bare = path.split("?")[0] ?? path;
      requests.push({ method: request.method ?? "", path, headers: request.headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const script = scripts.get(bare) ?? {};
      if (script.hangs) return;
      const index = served.get(bare) ?? 0;
      served.set(bare, index + 1);
      const statuses = script.statuses ?? [200];
      const status = statuses[Math.min(index, statuses.length - 1)] ?? 200;
      setTimeout(() => {
        response.writeHead(status, { "content-type": "text/plain", ...script.headers });
        response.end(status >= 400 ? `receiver says no (${status})` : "ok");
      }, script.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const to = (path: string): ReceivedRequest[] => requests.filter((request) => (request.path.split("?")[0] ?? "") === path);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    script: (path, script) => void scripts.set(path, script),
    to,
    async waitFor(path, count = 1, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (to(path).length < count) {
        if (Date.now() > deadline) throw new Error(`receiver: ${to(path).length} of ${count} requests to ${path} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      return to(path);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
