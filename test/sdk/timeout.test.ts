import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}

describe("timeouts", () => {
  it("a timeout past what one Node timer holds (~24.8 days) does not fire at once", async () => {
    const thirtyDays = 30 * 86_400;
    const patient = task({ name: "patient", timeoutSeconds: thirtyDays }, async () => {
      await new Promise((resolve) => setTimeout(resolve, 50));
      return "done";
    });
    const f = flow({ name: "long-timeout-flow", timeoutSeconds: thirtyDays }, async () => patient());
    expect(await f()).toBe("done");
    expect(() => task({ name: "forever", timeoutSeconds: 4e9 }, async () => 1)).toThrow(/timeoutSeconds: must be a number > 0 and at most 3155760000/);
    expect(() => flow({ name: "forever", timeoutSeconds: 4e9 }, async () => 1)).toThrow(/timeoutSeconds: must be a number > 0 and at most 3155760000/);
  });

  it("ends a task TimedOut and aborts the signal it sees", async () => {
    let seen: AbortSignal | null = null;
    const slow = task({ name: "slow", timeoutSeconds: 0.05 }, async () => {
      seen = getRunContext().signal;
      await untilAborted(seen);
      return "never used";
    });
    let flowRunId = "";
    const f = flow("timeout-flow", async () => {
      flowRunId = getRunContext().flowRunId!;
      try {
        await slow();
      } catch (error) {
        return (error as Error).message;
      }
      return "no error";
    });
    expect(await f()).toMatch(/timed out after 0.05 s/);
    expect(seen!.aborted).toBe(true);
    const { items } = await harness.client.listTaskRuns({ flowRunId });
    expect(items.map((run) => run.stateName)).toEqual(["TimedOut"]);
    expect(items[0]!.stateType).toBe("FAILED");
    const flowRun = await harness.client.readFlowRun(flowRunId);
    expect(flowRun.stateName).toBe("Completed");
  });

  it("retries a timed-out task when it has retries", async () => {
    let calls = 0;
    const sometimesSlow = task({ name: "sometimes-slow", timeoutSeconds: 0.05, retries: 1 }, async () => {
      calls += 1;
      if (calls === 1) await untilAborted(getRunContext().signal);
      return calls;
    });
    expect(await flow("retry-timeout", async () => sometimesSlow())()).toBe(2);
  });

  it("ends a flow TimedOut, aborting its signal and the signals of its tasks", async () => {
    let taskSignal: AbortSignal | null = null;
    const waits = task("waits", async () => {
      taskSignal = getRunContext().signal;
      await untilAborted(taskSignal);
    });
    const f = flow({ name: "slow-flow", timeoutSeconds: 0.05 }, async () => {
      await waits();
    });
    await expect(f()).rejects.toThrow(/timed out/);
    expect(taskSignal!.aborted).toBe(true);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["slow-flow"] });
    expect(items[0]!.stateName).toBe("TimedOut");
  });
});
