/**
 * `startServer` over real sockets: loopback rule, the live stream through `HttpClient.subscribe`,
 * task-run writes visible at once, and no task-run write lost across a server restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { WeirEvent } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { WeirError } from "../../src/core/weir-error.js";
import { isLoopbackHost, startServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
const quiet = (): void => undefined;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});

describe("startServer", () => {
  it("refuses a non-loopback host without a key, unless insecure", async () => {
    expect(isLoopbackHost("127.0.0.1")).toBe(true);
    expect(isLoopbackHost("::1")).toBe(true);
    expect(isLoopbackHost("localhost")).toBe(true);
    expect(isLoopbackHost("0.0.0.0")).toBe(false);
    const refused = await startServer({ host: "0.0.0.0", port: 0, databaseUrl: database.url, apiKey: "", runServices: false, log: quiet }).catch(
      (error: unknown) => error,
    );
    expect(refused).toBeInstanceOf(WeirError);
    expect((refused as WeirError).message).toMatch(/--insecure/);
    const insecure = await startServer({ host: "0.0.0.0", port: 0, databaseUrl: database.url, apiKey: "", isInsecure: true, runServices: false, log: quiet });
    await insecure.close();
    const withKey = await startServer({ host: "0.0.0.0", port: 0, databaseUrl: database.url, apiKey: "k", runServices: false, log: quiet });
    await withKey.close();
  });

  it("fails clearly when the port is taken, releasing what it opened", async () => {
    const first = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: quiet });
    try {
      const port = Number(new URL(first.url).port);
      const second = await startServer({ port, databaseUrl: database.url, runServices: false, log: quiet }).catch((error: unknown) => error);
      expect(second).toBeInstanceOf(WeirError);
      expect((second as WeirError).message).toBe(`cannot listen on 127.0.0.1:${port}: port ${port} is in use (EADDRINUSE); choose another with --port (npm start: set WEIR_PORT)`);
      await expect(startServer({ port: 70_000, databaseUrl: database.url, log: quiet })).rejects.toThrow(/port/);
    } finally {
      await first.close();
    }
  });

  it("logs the ready line with the actual port and streams events to HttpClient.subscribe", async () => {
    const lines: string[] = [];
    const server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: (line) => lines.push(line) });
    const client = new HttpClient({ apiUrl: server.url });
    const stop = new AbortController();
    try {
      expect(lines).toEqual([`Weir server ready at ${server.url}`]);
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const received: WeirEvent[] = [];
      // The server's own listeners (its metrics) are there before any client subscribes.
      const ownListeners = server.context.events.listenerCount();
      const reading = (async () => {
        for await (const event of client.subscribe(stop.signal)) {
          received.push(event);
          if (event.kind === "flow-run" && event.flowRun.stateType === "RUNNING") return;
        }
      })();
      await waitFor(() => server.context.events.listenerCount() > ownListeners);
      await client.upsertFlow({ name: "streamed" });
      const run = await client.createFlowRun({ flowName: "streamed" });
      await client.setFlowRunState(run.id, { state: makeState("Running") });
      await withTimeout(reading, 2000);
      expect(received.some((event) => event.kind === "flow-run" && event.flowRun.id === run.id)).toBe(true);
    } finally {
      stop.abort();
      await client.close();
      await server.close();
    }
  });

  it("task-run states reach the API within 1 s, and none is lost across a server restart", async () => {
    let server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: quiet });
    const port = Number(new URL(server.url).port);
    const client = new HttpClient({ apiUrl: server.url, retries: 2, bufferedWriteRetries: 100 });
    try {
      await client.upsertFlow({ name: "durable" });
      const run = await client.createFlowRun({ flowName: "durable" });
      const write = (index: number) => ({
        id: crypto.randomUUID(),
        flowRunId: run.id,
        name: `task-${index}`,
        taskKey: "task",
        dynamicKey: String(index),
        states: [makeState("Running"), makeState("Completed")],
      });
      const started = performance.now();
      const first = write(0);
      await client.writeTaskRuns([first]);
      expect((await client.readTaskRun(first.id)).stateType).toBe("COMPLETED");
      expect(performance.now() - started).toBeLessThan(1000);

      await server.close();
      const whileDown = [write(1), write(2), write(3)];
      const pending = Promise.all([client.writeTaskRuns(whileDown.slice(0, 2)), client.writeTaskRuns(whileDown.slice(2))]);
      await new Promise((resolve) => setTimeout(resolve, 300));
      server = await startServer({ port, databaseUrl: database.url, runServices: false, log: quiet });
      await withTimeout(pending, 10_000);
      const stored = await client.listTaskRuns({ flowRunId: run.id }, { limit: 100 });
      expect(stored.items.map((taskRun) => taskRun.dynamicKey).sort()).toEqual(["0", "1", "2", "3"]);
      for (const taskRun of whileDown) expect((await client.readTaskRunStates(taskRun.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
