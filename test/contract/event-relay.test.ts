/**
 * Events cross processes through PostgreSQL NOTIFY: two service layers on one database (as two
 * API replicas or an SDK process and a server would be) see each other's run and log changes,
 * in order, including a run too large for one notification. SQLite has no relay (skipped).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WeirEvent } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { createTestDatabase, testEngine, type TestDatabase } from "../helpers/test-database.js";

describe.skipIf(testEngine() !== "postgres")("event relay between processes (PostgreSQL)", () => {
  let database: TestDatabase;
  let writer: OpenedOrchestration;
  let reader: OpenedOrchestration;
  beforeAll(async () => {
    database = await createTestDatabase();
    writer = await openOrchestration({ databaseUrl: database.url });
    reader = await openOrchestration({ databaseUrl: database.url });
  });
  afterAll(async () => {
    await writer?.close();
    await reader?.close();
    await database?.dispose();
  });

  it("delivers another service layer's run, state and log events in order", async () => {
    const controller = new AbortController();
    const timeout = setTimeout(() => controller.abort(), 10_000);
    const received: WeirEvent[] = [];
    const big = { blob: "x".repeat(20_000) };
    const own: WeirEvent[] = [];
    const stopOwn = writer.context.events.on((event) => own.push(event));
    const listening = (async () => {
      for await (const event of reader.context.events.stream(controller.signal)) {
        received.push(event);
        if (received.length === 4) controller.abort();
      }
    })();
    // The relay starts listening with the first subscriber; give its connection a moment.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const run = await writer.orchestration.createFlowRun({ flowName: "relayed", parameters: big });
    await writer.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
    await writer.orchestration.appendLogs([{ flowRunId: run.id, level: "INFO", name: "relay", message: "across", timestamp: new Date().toISOString() }]);
    await writer.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
    await listening;
    clearTimeout(timeout);
    // One event per change, in order. A run this large travels as a reference that the receiver
    // reads back, so on a busy machine it may read a later state than the one sent (an event
    // says "this run changed"; its record is the latest): states never go backwards, and the last
    // one is Completed.
    expect(received.map((event) => (event.kind === "logs" ? `logs:${event.logs[0]?.message}` : event.kind))).toEqual(["flow-run", "flow-run", "logs:across", "flow-run"]);
    const order = ["Pending", "Running", "Completed"];
    const states = received.flatMap((event) => (event.kind === "flow-run" ? [order.indexOf(event.flowRun.stateName)] : []));
    expect(states.every((rank, index) => rank >= 0 && rank >= (states[index - 1] ?? 0))).toBe(true);
    expect(states.at(-1)).toBe(2);
    const first = received[0];
    expect(first?.kind === "flow-run" && first.flowRun.parameters).toEqual(big);
    // The writer's own bus saw each event once: its notifications are not echoed back to it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    stopOwn();
    expect(own.map((event) => event.kind)).toEqual(["flow-run", "flow-run", "logs", "flow-run"]);
  });
});
