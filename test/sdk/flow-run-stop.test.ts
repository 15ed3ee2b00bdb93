/**
 * A run stopped from outside (sdk/flow-run-stop.ts), in process: its process told to stop
 * (the reason a run process gives its signal on SIGTERM) ends the run Cancelled when the server is
 * cancelling it and Crashed otherwise; its tasks end Cancelled and spend none of their retries.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { executeFlowRun, flow, getRunContext, task } from "../../src/index.js";
import { makeState } from "../../src/core/states.js";
import { RunProcessStoppedError } from "../../src/sdk/flow-run-stop.js";
import { openSdkHarness, type SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

async function pendingRun(flowName: string): Promise<string> {
  const run = await harness.client.createFlowRun({ flowName, state: makeState("Pending", { now: harness.clock.now() }) });
  return run.id;
}

async function taskStates(flowRunId: string): Promise<string[]> {
  const { items } = await harness.client.listTaskRuns({ flowRunId });
  expect(items).toHaveLength(1);
  return (await harness.client.readTaskRunStates(items[0]!.id)).map((state) => state.name);
}

describe("a run whose process is told to stop", () => {
  it("ends Crashed when nobody cancelled it; a task waiting to retry ends Cancelled without running again", async () => {
    const stop = new AbortController();
    let calls = 0;
    const flaky = task(
      // The process is told to stop as the first attempt fails, before its retry delay.
      { name: "flaky", retries: 3, retryDelaySeconds: 5, retryCondition: () => (stop.abort(new RunProcessStoppedError("SIGTERM")), true) },
      async () => {
        calls += 1;
        throw new Error("flaky failed");
      },
    );
    const stopped = flow({ name: "stopped-while-retrying" }, async () => flaky());
    const id = await pendingRun("stopped-while-retrying");

    const state = await executeFlowRun(stopped, id, { signal: stop.signal });
    expect(state.name).toBe("Crashed");
    expect(state.message).toBe("the run's process received SIGTERM");
    expect(calls).toBe(1);
    expect(await taskStates(id)).toEqual(["Running", "AwaitingRetry", "Cancelled"]);
  });

  it("ends Cancelled when the server is cancelling it; the task that honoured the signal ends Cancelled", async () => {
    const stop = new AbortController();
    const cancelled: string[] = [];
    const waits = task({ name: "waits", retries: 2 }, async () => {
      const { signal, flowRunId } = getRunContext();
      // As a worker does: the server says Cancelling, then the process gets SIGTERM.
      await harness.client.cancelFlowRun(flowRunId!);
      stop.abort(new RunProcessStoppedError("SIGTERM"));
      signal.throwIfAborted();
    });
    const cancellable = flow({ name: "cancelled-by-worker", onCancellation: (ctx) => void cancelled.push(ctx.state.name) }, async () => waits());
    const id = await pendingRun("cancelled-by-worker");

    const state = await executeFlowRun(cancellable, id, { signal: stop.signal });
    expect(state.name).toBe("Cancelled");
    expect(state.message).toBe("the run's process received SIGTERM");
    expect(cancelled).toEqual(["Cancelled"]);
    expect(await taskStates(id)).toEqual(["Running", "Cancelled"]);
  });
});
