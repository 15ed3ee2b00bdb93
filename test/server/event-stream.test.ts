/**
 * The live stream in process: `HttpClient.subscribe` over `GET /api/events?flowRunId=` gets the
 * run, task-run and log events of that run only, and hanging up detaches its bus listener;
 * `?workPool=&stateType=` (what a worker asks for) gets only flow-run events of runs of that
 * pool in those state types; a set-state with a heartbeat records the process with the state.
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

  it("streams only the runs of one work pool in the state types asked for", async () => {
    const { client } = server;
    await client.createWorkPool({ name: "stream-pool" });
    await client.createWorkPool({ name: "other-stream-pool" });
    const deploymentIn = async (pool: string) => client.upsertDeployment({ name: `streamed-${pool}`, flowName: "streamed", workPoolName: pool, entrypoint: "flows.ts:streamed" });
    const mine = await deploymentIn("stream-pool");
    const theirs = await deploymentIn("other-stream-pool");
    const stop = new AbortController();
    const received: WeirEvent[] = [];
    const reading = (async () => {
      for await (const event of client.subscribe(stop.signal, { workPoolName: "stream-pool", stateTypes: ["SCHEDULED", "CANCELLING", "CANCELLED"] })) {
        received.push(event);
        if (event.kind === "flow-run" && event.flowRun.stateType === "CANCELLED") stop.abort();
      }
    })();
    const deadline = Date.now() + 2000;
    while (server.context.events.listenerCount() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));

    await client.createDeploymentFlowRun(theirs.id);
    const run = await client.createDeploymentFlowRun(mine.id);
    await client.setFlowRunState(run.id, { state: makeState("Pending") });
    await client.setFlowRunState(run.id, { state: makeState("Running") });
    await client.appendLogs([{ flowRunId: run.id, level: "INFO", name: "weir", message: "hi", timestamp: new Date().toISOString() }]);
    await client.cancelFlowRun(run.id);
    await client.setFlowRunState(run.id, { state: makeState("Cancelled") });
    await reading;

    expect(received.map((event) => (event.kind === "flow-run" ? `${event.flowRun.id === run.id ? "mine" : "theirs"} ${event.flowRun.stateType}` : event.kind))).toEqual([
      "mine SCHEDULED",
      "mine CANCELLING",
      "mine CANCELLED",
    ]);
  });

  it("records the process and its heartbeat interval with an accepted state, and names a bad one", async () => {
    const { client } = server;
    const run = await client.createFlowRun({ flowName: "watched" });
    await expect(client.setFlowRunState(run.id, { state: makeState("Running"), heartbeat: { heartbeatIntervalSeconds: 0 } })).rejects.toThrow(/heartbeatIntervalSeconds/);
    const decided = await client.setFlowRunState(run.id, { state: makeState("Running"), heartbeat: { infrastructurePid: "host:42", heartbeatIntervalSeconds: 7 } });
    expect(decided.status).toBe("ACCEPT");
    const read = await client.readFlowRun(run.id);
    expect(read.infrastructurePid).toBe("host:42");
    expect(read.heartbeatIntervalSeconds).toBe(7);
  });
});
