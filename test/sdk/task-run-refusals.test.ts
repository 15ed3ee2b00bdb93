/**
 * The SDK hears when the store refuses to start a task run (src/core/task-run-rules.ts): a flow
 * run cancelled in the store while its process keeps calling tasks stops calling them (the next
 * task call rejects) and ends Cancelled, without waiting for a heartbeat.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { flow, getRunContext, task } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

describe("task runs refused by the store", () => {
  it("stops a flow whose run was cancelled in the store: the next task call rejects, the run ends Cancelled", async () => {
    let calls = 0;
    const step = task("step", () => {
      calls += 1;
    });
    let flowRunId = "";
    let rejection: unknown = null;
    const f = flow("cancelled-in-store", async () => {
      flowRunId = getRunContext().flowRunId!;
      await step();
      await flushAll();
      await harness.client.setFlowRunState(flowRunId, { state: makeState("Cancelled", { now: harness.clock.now(), message: "cancelled elsewhere" }), force: true });
      // Tasks started from now on start after the cancellation (the engine's clock is the fake one).
      harness.clock.advance(1);
      try {
        // Real time: the write buffer sends its batch within ~50 ms; 400 steps take about 2 s.
        for (let index = 0; index < 400; index += 1) {
          await step();
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      } catch (error) {
        rejection = error;
        throw error;
      }
    });
    await expect(f()).rejects.toThrow(/was cancelled/);
    expect(rejection).toBeInstanceOf(Error);
    expect((rejection as Error).message).toMatch(/flow run .* was cancelled/);
    expect(calls).toBeLessThan(400);
    expect((await harness.client.readFlowRun(flowRunId)).stateName).toBe("Cancelled");
    const { items } = await harness.client.listTaskRuns({ flowRunId }, { limit: 500 });
    const notStarted = items.filter((run) => run.stateName === "Cancelled");
    expect(notStarted).toHaveLength(1);
    expect(notStarted[0]!.state.message).toMatch(/^not started: flow run .* was cancelled$/);
    // Tasks that started after the cancellation, before the refusal came back, were not stored.
    expect(items.filter((run) => run.stateName === "Completed").length).toBe(1);
  });
});
