/**
 * The live stream in process: `HttpClient.subscribe` over `GET /api/events?flowRunId=` gets the
 * run, task-run and log events of that run only, and hanging up detaches its bus listener.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WeirEvent } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { createServerTestApp, type ServerTestApp } from "./server-test-app.js";

let server: ServerTestApp;

beforeAll(async () => {
  server = await createServerTestApp();
});
afterAll(async () => {
  await server.close();
});

describe("event stream", () => {
  it("streams the events of one flow run and detaches on abort", async () => {
    const { client, context } = server;
    await client.upsertFlow({ name: "watched" });
    const watched = await client.createFlowRun({ flowName: "watched" });
    const other = await client.createFlowRun({ flowName: "watched" });
    const stop = new AbortController();
    const received: WeirEvent[] = [];
    const reading = (async () => {
      for await (const event of client.subscribe(stop.signal, { flowRunId: watched.id })) {
        received.push(event);
        if (event.kind === "logs") stop.abort();
      }
    })();
    const deadline = Date.now() + 2000;
    while (context.events.listenerCount() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(context.events.listenerCount()).toBe(1);

    await client.setFlowRunState(other.id, { state: makeState("Running") });
    await client.setFlowRunState(watched.id, { state: makeState("Running") });
    const running = makeState("Running");
    await client.writeTaskRuns([{ id: crypto.randomUUID(), flowRunId: watched.id, name: "t", taskKey: "t", dynamicKey: "0", states: [running] }]);
    await client.appendLogs([{ flowRunId: watched.id, level: "INFO", name: "weir", message: "hi", timestamp: new Date().toISOString() }]);
    await reading;

    expect(received.map((event) => event.kind)).toEqual(["flow-run", "task-run", "logs"]);
    expect(received.every((event) => event.kind !== "flow-run" || event.flowRun.id === watched.id)).toBe(true);
    const until = Date.now() + 2000;
    while (context.events.listenerCount() > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(context.events.listenerCount()).toBe(0);
  });
});
