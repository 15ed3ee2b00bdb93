/**
 * Four claim loops (as four workers would run them) over 2,000 queued runs in two queues of one
 * pool: every run is executed exactly once (one Pending, one Running, Completed with runCount 1),
 * and low-priority runs are claimed only once the high-priority queue is drained (but for the
 * few that concurrent claims at the boundary may take).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import { makeState } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

let database: TestDatabase;
let opened: OpenedOrchestration;
const RUNS_PER_QUEUE = 1000;

beforeAll(async () => {
  database = await createTestDatabase();
  opened = await openOrchestration({ databaseUrl: database.url });
});

afterAll(async () => {
  await opened?.close();
  await database?.dispose();
});

describe("four workers over 2,000 runs", () => {
  it("executes each run once and drains the high-priority queue first", { timeout: 240_000 }, async () => {
    const api = opened.orchestration;
    await api.createWorkPool({ name: "load" });
    await api.createWorkQueue({ workPoolName: "load", name: "high", priority: 1 });
    await api.createWorkQueue({ workPoolName: "load", name: "low", priority: 2 });
    const deployments = {
      high: await api.upsertDeployment({ name: "high", flowName: "load", entrypoint: "f.ts:load", workPoolName: "load", workQueueName: "high" }),
      low: await api.upsertDeployment({ name: "low", flowName: "load", entrypoint: "f.ts:load", workPoolName: "load", workQueueName: "low" }),
    };
    // Low-priority runs are older (due first), so only priority can put high ones ahead.
    for (const queue of ["low", "high"] as const) {
      for (let start = 0; start < RUNS_PER_QUEUE; start += 100) {
        await Promise.all(Array.from({ length: 100 }, () => api.createDeploymentFlowRun(deployments[queue].id)));
      }
    }
    const workers = database.engine === "postgres" ? await Promise.all(Array.from({ length: 4 }, () => openOrchestration({ databaseUrl: database.url }))) : Array.from({ length: 4 }, () => opened);
    const claimOrder: FlowRun[] = [];
    try {
      await Promise.all(
        workers.map(async (worker, index) => {
          for (;;) {
            const runs = await worker.orchestration.claimFlowRuns({ workPoolName: "load", workerId: `w${index}`, limit: 25 });
            if (runs.length === 0) return;
            claimOrder.push(...runs);
            for (const run of runs) {
              const running = await worker.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
              expect(running.status).toBe("ACCEPT");
              await worker.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
            }
          }
        }),
      );
    } finally {
      if (database.engine === "postgres") await Promise.all(workers.map((worker) => worker.close()));
    }
    expect(claimOrder).toHaveLength(2 * RUNS_PER_QUEUE);
    expect(new Set(claimOrder.map((run) => run.id)).size).toBe(2 * RUNS_PER_QUEUE);
    expect(await api.countFlowRuns({ workPoolNames: ["load"], stateTypes: ["COMPLETED"] })).toBe(2 * RUNS_PER_QUEUE);
    const completed = await api.listFlowRuns({ workPoolNames: ["load"] }, { limit: 1000 });
    expect(completed.items.every((run) => run.runCount === 1)).toBe(true);
    const sample = completed.items.slice(0, 20);
    for (const run of sample) {
      expect((await api.readFlowRunStates(run.id)).map((state) => state.name)).toEqual(["Scheduled", "Pending", "Running", "Completed"]);
    }
    // Claims run concurrently (PostgreSQL: SKIP LOCKED, no lock shared by claimers of a pool): at
    // the boundary, a claimer that finds the last high runs locked by another claim moves on to low
    // ones while that claim commits. At most the other claimers' limits (3 × 25) can pass it so;
    // ignoring priority would claim most of the 1,000 older low runs first.
    const lastHighClaim = Math.max(...claimOrder.filter((run) => run.workQueueName === "high").map((run) => Date.parse(run.state.timestamp)));
    const lowBeforeLastHigh = claimOrder.filter((run) => run.workQueueName === "low" && Date.parse(run.state.timestamp) < lastHighClaim).length;
    expect(lowBeforeLastHigh).toBeLessThanOrEqual(3 * 25);
  });
});
