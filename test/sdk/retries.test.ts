import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { flow, task, exponentialBackoff, NonRetryableError, RetryAfterError } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());
beforeEach(() => {
  harness.sleeps.length = 0;
});

async function taskRunOf(flowRunId: string, taskKey: string) {
  const { items } = await harness.client.listTaskRuns({ flowRunId, taskKey });
  expect(items).toHaveLength(1);
  const run = items[0]!;
  return { run, states: await harness.client.readTaskRunStates(run.id) };
}

describe("task retries", () => {
  it("retries a failing task until it succeeds, waiting each listed delay (last repeats)", async () => {
    let calls = 0;
    const flaky = task({ name: "flaky", retries: 4, retryDelaySeconds: [1, 10] }, async () => {
      calls += 1;
      if (calls < 4) throw new Error(`boom ${calls}`);
      return "ok";
    });
    let flowRunId = "";
    const f = flow("retry-flow", async () => {
      flowRunId = (await import("../../src/index.js")).getRunContext().flowRunId!;
      return flaky();
    });
    expect(await f()).toBe("ok");
    expect(calls).toBe(4);
    expect(harness.sleeps).toEqual([1000, 10_000, 10_000]);
    const { run, states } = await taskRunOf(flowRunId, "flaky");
    expect(run.stateName).toBe("Completed");
    // A task with nothing to wait for starts Running (no Pending state stored).
    expect(states.map((state) => state.name)).toEqual([
      "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed",
    ]);
    expect(run.runCount).toBe(4);
  });

  it("gives up after the last retry and throws the last error", async () => {
    let calls = 0;
    const failing = task({ name: "always-fails", retries: 2, retryDelaySeconds: exponentialBackoff(2) }, async () => {
      calls += 1;
      throw new Error(`failure ${calls}`);
    });
    const f = flow("gives-up", async () => failing());
    await expect(f()).rejects.toThrow("failure 3");
    expect(calls).toBe(3);
    expect(harness.sleeps).toEqual([2000, 4000]);
  });

  it("applies jitter on top of the delay", async () => {
    let calls = 0;
    const jittery = task({ name: "jittery", retries: 1, retryDelaySeconds: 10, retryJitterFactor: 0.5 }, async () => {
      calls += 1;
      if (calls === 1) throw new Error("once");
    });
    await flow("jitter-flow", async () => jittery())();
    // random() is 0.5 in the harness: 10 s + 10 × 0.5 × 0.5 s
    expect(harness.sleeps).toEqual([12_500]);
  });

  it("does not retry a NonRetryableError, nor what retryCondition refuses", async () => {
    let calls = 0;
    const fatal = task({ name: "fatal", retries: 5 }, async () => {
      calls += 1;
      throw new NonRetryableError("corrupt input");
    });
    await expect(flow("fatal-flow", async () => fatal())()).rejects.toThrow("corrupt input");
    expect(calls).toBe(1);

    let conditional = 0;
    const picky = task({ name: "picky", retries: 5, retryCondition: (error) => (error as Error).message === "transient" }, async () => {
      conditional += 1;
      throw new Error(conditional < 3 ? "transient" : "permanent");
    });
    await expect(flow("picky-flow", async () => picky())()).rejects.toThrow("permanent");
    expect(conditional).toBe(3);
  });

  it("waits the delay a RetryAfterError asks for", async () => {
    let calls = 0;
    const limited = task({ name: "rate-limited", retries: 1, retryDelaySeconds: 1 }, async () => {
      calls += 1;
      if (calls === 1) throw new RetryAfterError(42, "429");
      return calls;
    });
    expect(await flow("rate-flow", async () => limited())()).toBe(2);
    expect(harness.sleeps).toEqual([42_000]);
  });

  it("rejects bad retry options naming the field", () => {
    expect(() => task({ name: "bad", retries: -1 }, async () => 1)).toThrow(/retries/);
    expect(() => task({ name: "bad", retryDelaySeconds: [1, -2] }, async () => 1)).toThrow(/retryDelaySeconds/);
  });
});

describe("flow retries", () => {
  it("re-runs the whole flow body, recording AwaitingRetry and Retrying", async () => {
    let attempts = 0;
    const f = flow({ name: "flaky-flow", retries: 2, retryDelaySeconds: 5 }, async () => {
      attempts += 1;
      if (attempts < 3) throw new Error(`attempt ${attempts}`);
      return attempts;
    });
    expect(await f()).toBe(3);
    expect(harness.sleeps).toEqual([5000, 5000]);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["flaky-flow"] });
    expect(items).toHaveLength(1);
    const run = items[0]!;
    expect(run.stateName).toBe("Completed");
    expect(run.runCount).toBe(3);
    const names = (await harness.client.readFlowRunStates(run.id)).map((state) => state.name);
    expect(names).toEqual(["Pending", "Running", "AwaitingRetry", "Retrying", "AwaitingRetry", "Retrying", "Completed"]);
  });
});
