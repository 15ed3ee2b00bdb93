/**
 * Task-run transitions (src/core/task-run-rules.ts): the table case by case, then the batch write
 * on the engine WEIR_TEST_DB names, in process and over HTTP: a refused state is refused for its
 * run only, the rest of the batch is stored, nothing stored before is lost, and the answer says
 * what was refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { InProcessClient } from "../../src/client/in-process-client.js";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import type { TaskRunWrite } from "../../src/core/api-types.js";
import { makeState, STATE_TYPES, type StateName, type StateType } from "../../src/core/states.js";
import { decideTaskRunTransition, TASK_RUN_RULES } from "../../src/core/task-run-rules.js";
import { useTestServer } from "../helpers/test-server.js";

const TERMINAL: StateType[] = ["COMPLETED", "FAILED", "CANCELLED", "CRASHED"];

describe("the task-run rules table", () => {
  // (from, to, expected) as the SDK's life of a task run needs them, and what it must never store.
  const cases: Array<[StateType | null, StateType, "ACCEPT" | "REJECT"]> = [
    [null, "PENDING", "ACCEPT"],
    [null, "RUNNING", "ACCEPT"],
    [null, "COMPLETED", "ACCEPT"],
    ["PENDING", "SCHEDULED", "ACCEPT"],
    ["PENDING", "RUNNING", "ACCEPT"],
    ["PENDING", "COMPLETED", "ACCEPT"],
    ["PENDING", "FAILED", "ACCEPT"],
    ["PENDING", "PENDING", "REJECT"],
    ["SCHEDULED", "RUNNING", "ACCEPT"],
    ["SCHEDULED", "COMPLETED", "REJECT"],
    ["RUNNING", "SCHEDULED", "ACCEPT"],
    ["RUNNING", "COMPLETED", "ACCEPT"],
    ["RUNNING", "FAILED", "ACCEPT"],
    ["RUNNING", "CRASHED", "ACCEPT"],
    ["RUNNING", "CANCELLED", "ACCEPT"],
    ["RUNNING", "PENDING", "REJECT"],
    ["CANCELLING", "RUNNING", "REJECT"],
    ["CANCELLING", "CANCELLED", "ACCEPT"],
  ];
  it.each(cases)("%s → %s is %s", (from, to, expected) => {
    expect(decideTaskRunTransition(from, to, "RUNNING").status).toBe(expected);
  });

  it("refuses every state after a final one (Completed → Crashed and the like)", () => {
    for (const from of TERMINAL) {
      for (const to of STATE_TYPES) {
        const decision = decideTaskRunTransition(from, to, null);
        expect(decision.status, `${from} → ${to}`).toBe("REJECT");
        expect(decision.reason).toMatch(/terminal/);
      }
    }
  });

  it("aborts a task starting while its flow run is cancelling or over, and only a start", () => {
    for (const flowRunType of ["CANCELLING", ...TERMINAL] as StateType[]) {
      for (const to of ["PENDING", "RUNNING"] as StateType[]) {
        expect(decideTaskRunTransition(null, to, flowRunType)).toMatchObject({ status: "ABORT", reason: expect.stringContaining(flowRunType.toLowerCase()) });
      }
      expect(decideTaskRunTransition("RUNNING", "COMPLETED", flowRunType).status).toBe("ACCEPT");
      expect(decideTaskRunTransition("RUNNING", "CANCELLED", flowRunType).status).toBe("ACCEPT");
    }
    for (const flowRunType of ["SCHEDULED", "PENDING", "RUNNING", "PAUSED"] as StateType[]) {
      expect(decideTaskRunTransition(null, "RUNNING", flowRunType).status).toBe("ACCEPT");
    }
  });

  it("has a rule with a reason for every pair", () => {
    for (const from of STATE_TYPES) for (const to of STATE_TYPES) expect(TASK_RUN_RULES[from][to].reason).not.toBe("");
  });
});

const { server, database } = useTestServer();
let inProcess: InProcessClient;
let http: HttpClient;
beforeAll(async () => {
  inProcess = await InProcessClient.open({ databaseUrl: database.url });
  http = new HttpClient({ apiUrl: server.url });
});
afterAll(async () => {
  await inProcess.close();
  await http.close();
});

function write(id: string, flowRunId: string | null, ...names: StateName[]): TaskRunWrite {
  const start = Date.parse("2026-01-01T00:00:00.000Z");
  return {
    id,
    flowRunId,
    name: `${id}-0`,
    taskKey: "t",
    dynamicKey: "0",
    states: names.map((name, index) => makeState(name, { now: new Date(start + index) })),
  };
}

// Later than any flow-run state the tests set (stamped with the real time).
function later(base: TaskRunWrite, ...names: StateName[]): TaskRunWrite {
  const start = Date.now() + 60_000;
  return { ...base, states: names.map((name, index) => makeState(name, { now: new Date(start + index) })) };
}

describe.each([
  ["in process", (): OrchestrationApi => inProcess],
  ["over HTTP", (): OrchestrationApi => http],
])("writeTaskRuns checks transitions (%s)", (_label, clientOf) => {
  it("refuses Completed → Crashed for that run only, keeping what was stored and the rest of the batch", async () => {
    const client = clientOf();
    const flowRun = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const done = write(crypto.randomUUID(), flowRun.id, "Running", "Completed");
    expect(await client.writeTaskRuns([done])).toEqual({ refused: [] });
    const crash = later(done, "Crashed");
    const other = write(crypto.randomUUID(), flowRun.id, "Running");
    const answer = await client.writeTaskRuns([crash, other]);
    expect(answer.refused).toEqual([
      { taskRunId: done.id, flowRunId: flowRun.id, stateId: crash.states[0]!.id, status: "REJECT", reason: expect.stringMatching(/completed \(terminal\)/) },
    ]);
    expect((await client.readTaskRun(done.id)).stateName).toBe("Completed");
    expect((await client.readTaskRunStates(done.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
    expect((await client.readTaskRun(other.id)).stateName).toBe("Running");
  });

  it("stores a new run's states up to the first refused one in the same write", async () => {
    const client = clientOf();
    const flowRun = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const run = write(crypto.randomUUID(), flowRun.id, "Running", "Completed", "Crashed", "Failed");
    const answer = await client.writeTaskRuns([run]);
    expect(answer.refused).toMatchObject([{ taskRunId: run.id, stateId: run.states[2]!.id, status: "REJECT" }]);
    const stored = await client.readTaskRun(run.id);
    expect(stored.stateName).toBe("Completed");
    expect(stored.endTime).toBe(run.states[1]!.timestamp);
    expect((await client.readTaskRunStates(run.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
  });

  it.each(["Cancelled", "Cancelling", "Completed", "Crashed"] as StateName[])("aborts task runs starting while their flow run is %s", async (flowState) => {
    const client = clientOf();
    const stopped = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const running = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const waiting = write(crypto.randomUUID(), stopped.id, "Pending");
    await client.writeTaskRuns([waiting]);
    await client.setFlowRunState(stopped.id, { state: makeState(flowState), force: true });
    const starts = later(waiting, "Running", "Completed");
    const fresh = later(write(crypto.randomUUID(), stopped.id), "Running", "Completed");
    const elsewhere = write(crypto.randomUUID(), running.id, "Running", "Completed");
    const ending = write(crypto.randomUUID(), stopped.id, "Cancelled");
    const answer = await client.writeTaskRuns([starts, fresh, elsewhere, ending]);
    const flowRunStateType = (await client.readFlowRun(stopped.id)).stateType;
    expect(answer.refused.sort((a, b) => (a.taskRunId === starts.id ? -1 : b.taskRunId === starts.id ? 1 : 0))).toEqual([
      { taskRunId: starts.id, flowRunId: stopped.id, stateId: starts.states[0]!.id, status: "ABORT", reason: expect.stringContaining("may not start"), flowRunStateType },
      { taskRunId: fresh.id, flowRunId: stopped.id, stateId: fresh.states[0]!.id, status: "ABORT", reason: expect.stringContaining("may not start"), flowRunStateType },
    ]);
    // Pending still, or ended with its flow run (Cancelled, Crashed): never the refused start.
    expect(["Pending", flowState]).toContain((await client.readTaskRun(waiting.id)).stateName);
    await expect(client.readTaskRun(fresh.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.readTaskRun(elsewhere.id)).stateName).toBe("Completed");
    expect((await client.readTaskRun(ending.id)).stateName).toBe("Cancelled");
  });

  it("stores a start stamped before its flow run stopped (a batch that arrives late)", async () => {
    const client = clientOf();
    const flowRun = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const startedEarlier = write(crypto.randomUUID(), flowRun.id, "Running", "Completed");
    await client.setFlowRunState(flowRun.id, { state: makeState("Cancelled"), force: true });
    expect((await client.writeTaskRuns([startedEarlier])).refused).toEqual([]);
    expect((await client.readTaskRun(startedEarlier.id)).stateName).toBe("Completed");
  });

  it("decides a batch sent twice the same way, storing nothing twice", async () => {
    const client = clientOf();
    const flowRun = await client.createFlowRun({ flowName: "rules", state: makeState("Running") });
    const run = write(crypto.randomUUID(), flowRun.id, "Running", "Completed", "Crashed");
    await client.writeTaskRuns([run]);
    const again = await client.writeTaskRuns([run]);
    expect(again.refused).toMatchObject([{ taskRunId: run.id, stateId: run.states[2]!.id, status: "REJECT" }]);
    expect((await client.readTaskRunStates(run.id)).map((state) => state.name)).toEqual(["Running", "Completed"]);
  });
});
