/**
 * A database outage seen through a real server (src/server/database-outage.ts): requests answer
 * 503 with `Retry-After`, not 500; the server logs one line when the outage starts and one when
 * it ends, and no stack trace. PostgreSQL: the server reaches the shared test database through a
 * TCP proxy this test owns, and the outage is the proxy cut (the shared server is never touched).
 * SQLite: the disk "fills up" (`max_page_count` at the file's size), so writes fail while reads
 * answer. The HTTP client waits out a 503 (its `Retry-After`) for writes it buffers, so no log
 * line is lost to a short outage.
 */
import { createServer, connect, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Clock } from "../../src/core/clock.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, testEngine, type TestDatabase } from "../helpers/test-database.js";

/** A TCP proxy to 127.0.0.1:5432 that the test can cut and restore on the same port. */
class PostgresProxy {
  readonly #sockets = new Set<Socket>();
  #server: Server | null = null;
  port = 0;

  async open(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(5432, "127.0.0.1");
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on("close", () => this.#sockets.delete(socket));
        socket.on("error", () => undefined);
      }
      client.pipe(upstream).pipe(client);
      client.on("close", () => upstream.destroy());
      upstream.on("close", () => client.destroy());
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, "127.0.0.1", () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  /** Stop accepting and drop every connection (the database is gone for the server). */
  async cut(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  }
}

const lines: string[] = [];
const unexpected: unknown[] = [];
let offsetMs = 0;
// Time moves only when the test says so: the end of an outage waits for a quiet period.
const clock: Clock = { now: () => new Date(Date.now() + offsetMs) };
let database: TestDatabase;
let server: RunningServer;
let proxy: PostgresProxy | null = null;

beforeAll(async () => {
  database = await createTestDatabase();
  let databaseUrl = database.url;
  if (database.engine === "postgres") {
    proxy = new PostgresProxy();
    await proxy.open();
    databaseUrl = database.url.replace("127.0.0.1:5432", `127.0.0.1:${proxy.port}`);
  }
  server = await startServer({
    port: 0,
    databaseUrl,
    runServices: false,
    uiDir: null,
    clock,
    log: (line) => lines.push(line),
    logError: (_message, error) => unexpected.push(error),
  });
});

afterAll(async () => {
  await proxy?.cut();
  await server?.close().catch(() => undefined);
  await database?.dispose();
});

/** The outage lines logged so far. */
function outageLines(): string[] {
  return lines.filter((line) => line.includes("database"));
}

async function putVariable(name: string, bytes = 10): Promise<Response> {
  return fetch(`${server.url}/api/variables/${name}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ value: "x".repeat(bytes) }) });
}

/** Start an outage of the engine under test; returns how to end it. */
async function startOutage(): Promise<() => Promise<void>> {
  if (proxy) {
    await proxy.cut();
    return () => proxy!.open();
  }
  const db = server.context.database.db;
  const pages = Number((await sql<{ page_count: number }>`pragma page_count`.execute(db)).rows[0]?.page_count);
  await sql.raw(`pragma max_page_count = ${pages}`).execute(db);
  return async () => {
    await sql.raw("pragma max_page_count = 4294967294").execute(db);
  };
}

/** A request that fails during the outage on this engine (on SQLite only writes do). */
function failingRequest(i: number): Promise<Response> {
  return proxy && i % 2 === 0 ? fetch(`${server.url}/api/flows`) : putVariable(`v${i}`, 200_000);
}

describe(`a database outage (${testEngine()})`, () => {
  it("answers 503 with Retry-After, logs one line when it starts and one when it ends, and no stack trace", { timeout: 60_000 }, async () => {
    expect((await putVariable("before")).status).toBe(200);
    for (let outage = 1; outage <= 2; outage++) {
      const end = await startOutage();
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => failingRequest(i)));
      for (const answer of answers) {
        const body = (await answer.json()) as { error: { code: string; message: string } };
        expect(answer.status, body.error.message).toBe(503);
        expect(answer.headers.get("retry-after")).toBe("5");
        expect(body.error.code).toBe("UNAVAILABLE");
      }
      if (proxy) {
        const ready = await fetch(`${server.url}/api/ready`);
        expect(ready.status).toBe(503);
        expect(ready.headers.get("retry-after")).toBe("5");
      }
      expect(outageLines().filter((line) => line.includes("unavailable"))).toHaveLength(outage);
      await end();
      // Back, but not yet quiet for Retry-After seconds: the outage is not over yet.
      expect((await putVariable(`after-${outage}`)).status).toBe(200);
      expect(outageLines().filter((line) => line.includes("available again"))).toHaveLength(outage - 1);
      offsetMs += 6_000;
      expect((await fetch(`${server.url}/api/flows`)).status).toBe(200);
      await expect.poll(() => outageLines().filter((line) => line.includes("available again")).length, { timeout: 10_000 }).toBe(outage);
    }
    expect(outageLines()).toHaveLength(4);
    expect(outageLines()[0]).toMatch(/^Weir server: database unavailable \(.+\): answering 503 until it is back$/);
    expect(outageLines()[1]).toMatch(/^Weir server: database available again after \d+\.\d s \(2[01] requests answered 503\)$/);
    expect(unexpected).toEqual([]);
  });
});

describe(`the HTTP client during a database outage (${testEngine()})`, () => {
  it("retries buffered writes after Retry-After, so a short outage loses no log line", { timeout: 60_000 }, async () => {
    const flowRun = await new HttpClient({ apiUrl: server.url }).createFlowRun({ flowName: "outage-logs" });
    const end = await startOutage();
    const waits: number[] = [];
    // The outage ends while the client waits out its first 503.
    const sleep = async (ms: number): Promise<void> => {
      waits.push(ms);
      if (waits.length === 1) await end();
    };
    const client = new HttpClient({ apiUrl: server.url, sleep });
    try {
      const timestamp = new Date().toISOString();
      const lines = Array.from({ length: 60 }, (_, i) => ({ flowRunId: flowRun.id, level: "INFO" as const, name: "weir.test", message: `${i} ${"y".repeat(5000)}`, timestamp }));
      await client.appendLogs(lines);
      expect(waits[0]).toBe(5000);
      const logs = await client.readLogs({ flowRunId: flowRun.id });
      expect(logs.map((log) => log.message)).toEqual(lines.map((line) => line.message));
      // A call that is not safe to repeat is not retried: its 503 reaches the caller.
      const again = await startOutage();
      await expect(client.createArtifact({ type: "markdown", data: "z".repeat(300_000) })).rejects.toMatchObject({ code: "UNAVAILABLE" });
      await again();
    } finally {
      await client.close();
    }
  });
});
