// followFlowRun (behind `flow-run logs --follow` and `deployment run --watch`) prints a run's states
// and lines merged by time when it reads them in one go: a run that went Running, logged and
// completed while no event reached the follower (another process on the same database, as with
// an embedded SQLite) is shown as Pending, Running, its lines, Completed.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { makeState } from "../../src/core/states.js";
import { followFlowRun } from "../../src/cli/flow-runs/follow-flow-run.js";
import { useTestDatabase } from "../helpers/test-database.js";

const database = useTestDatabase();
let writer: InProcessClient;
let reader: InProcessClient;

beforeAll(async () => {
  // Two service layers on one database, as two processes would have.
  writer = await InProcessClient.open({ databaseUrl: database.url });
  reader = await InProcessClient.open({ databaseUrl: database.url });
});

afterAll(async () => {
  await writer?.close();
  await reader?.close();
});

describe("followFlowRun", () => {
  it("prints states and the lines written between them in time order", async () => {
    const run = await writer.createFlowRun({ flowName: "ordered" });
    const at = (ms: number): Date => new Date(Date.parse(run.createdAt) + ms);
    await writer.setFlowRunState(run.id, { state: makeState("Running", { now: at(10) }) });
    const line = (message: string, ms: number) => ({ flowRunId: run.id, level: "INFO" as const, name: "test", message, timestamp: at(ms).toISOString() });
    await writer.appendLogs([line("first", 20), line("second", 30)]);
    await writer.setFlowRunState(run.id, { state: makeState("Completed", { now: at(40) }) });
    await writer.appendLogs([line("after the end", 50)]);

    const printed: string[] = [];
    const final = await followFlowRun(reader, run.id, {
      drainMs: 0,
      onState: (state) => printed.push(`state ${state.name}`),
      onLogs: (logs) => printed.push(...logs.map((log) => `line ${log.message}`)),
    });
    expect(final.stateName).toBe("Completed");
    expect(printed).toEqual(["state Pending", "state Running", "line first", "line second", "state Completed", "line after the end"]);
  });
});
