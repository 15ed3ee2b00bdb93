import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

// Keeps the thread busy for `ms` (real time): no timer can fire meanwhile.
function blockFor(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // busy
  }
}

describe("timeouts of bodies that block the thread", () => {
  it("ends a task that blocks past its timeout TimedOut, saying by how much, never Completed", async () => {
    const blocking = task({ name: "blocking", timeoutSeconds: 0.05 }, () => {
      blockFor(250);
      return "done";
    });
    const f = flow("blocking-task-flow", async () => {
      const future = blocking.submit();
      const state = await future.wait();
      return state.name;
    });
    expect(await f()).toBe("TimedOut");
    const { items } = await harness.client.listFlowRuns({ flowNames: ["blocking-task-flow"] });
    const [taskRun] = (await harness.client.listTaskRuns({ flowRunId: items[0]!.id })).items;
    expect(taskRun!.stateName).toBe("TimedOut");
    expect(taskRun!.state.message).toMatch(/^task run 'blocking-0' exceeded its timeout of 0\.05 s by 0\.\d+ s \(it blocked the event loop\)$/);
  });

  it("ends an async task that blocks, then returns, TimedOut", async () => {
    const blocking = task({ name: "blocking-async", timeoutSeconds: 0.05 }, async () => {
      await Promise.resolve();
      blockFor(200);
      return 1;
    });
    await expect(flow("blocking-async-flow", async () => blocking())()).rejects.toThrow(/exceeded its timeout .* \(it blocked the event loop\)/);
  });

  it("keeps a task that ends within its timeout Completed", async () => {
    const quick = task({ name: "quick-with-timeout", timeoutSeconds: 5 }, () => 2);
    expect(await flow("quick-timeout-flow", async () => quick())()).toBe(2);
  });

  it("ends a flow whose body blocks past its timeout TimedOut", async () => {
    const f = flow({ name: "blocking-flow", timeoutSeconds: 0.05 }, () => {
      blockFor(250);
      return "done";
    });
    await expect(f()).rejects.toThrow(/flow run '.*' exceeded its timeout of 0\.05 s by 0\.\d+ s/);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["blocking-flow"] });
    expect(items[0]!.stateName).toBe("TimedOut");
  });
});
