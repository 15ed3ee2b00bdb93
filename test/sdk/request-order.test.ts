/**
 * When the engine talks to the store, which matters over HTTP, where each request waits for a
 * server that answers one after another: an existing run's Running proposal goes alone, carrying
 * its first heartbeat (no request of its own); the flow's registration follows its answer and
 * leaves before the body; a small
 * final batch of task runs is one write; tasks that compute without awaiting let the event loop
 * turn between them, so flushes and heartbeats are not all left until the body ends.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { makeState } from "../../src/core/states.js";
import { executeFlowRun, flow, task } from "../../src/index.js";
import { releaseClient } from "../../src/sdk/client-provider.js";
import { openSdkHarness, type SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

/** The harness's client, recording when each call starts and ends (and what `note` adds). */
function recordingClient(events: string[]): OrchestrationApi {
  const target = harness.client as unknown as Record<string, unknown>;
  return new Proxy(harness.client, {
    get(client, key) {
      const value = target[key as string];
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        const state = (args[1] as { state?: { name?: string } } | undefined)?.state?.name;
        const name = `${String(key)}${key === "setFlowRunState" && state ? `(${state})` : ""}`;
        events.push(`call ${name}`);
        const result: unknown = (value as (...args: unknown[]) => unknown).apply(client, args);
        return result instanceof Promise ? result.then((answer: unknown) => (events.push(`done ${name}`), answer)) : result;
      };
    },
  });
}

function busyWait(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    // compute, never await
  }
}

describe("the order of a run's requests", () => {
  it("proposes an existing run's Running alone with its first heartbeat; the registration follows its answer, before the body", async () => {
    const events: string[] = [];
    const client = recordingClient(events);
    const ordered = flow({ name: "ordered-start" }, async () => void events.push("body"));
    const run = await harness.client.createFlowRun({ flowName: "ordered-start", state: makeState("Pending", { now: harness.clock.now() }) });
    try {
      // Given the run itself, as a worker's claim gives it: nothing to read first.
      const state = await executeFlowRun(ordered, run, { client });
      expect(state.name).toBe("Completed");
    } finally {
      await releaseClient(client);
    }
    const at = (event: string): number => events.indexOf(event);
    expect(at("call setFlowRunState(Running)")).toBe(events.findIndex((event) => event.startsWith("call ")));
    expect(at("call upsertFlow")).toBeGreaterThan(at("done setFlowRunState(Running)"));
    expect(at("call upsertFlow")).toBeLessThan(at("body"));
    // The first heartbeat was the Running proposal's: recorded with it, no request of its own.
    expect(at("call heartbeatFlowRun")).toBe(-1);
    const started = await harness.client.readFlowRun(run.id);
    expect(started.infrastructurePid).toMatch(/:\d+$/);
    expect(started.heartbeatIntervalSeconds).toBeGreaterThanOrEqual(1);
  });

  it("writes a small final batch of task runs as one write", async () => {
    const events: string[] = [];
    const client = recordingClient(events);
    const step = task("small-batch-step", async (value: number) => value + 1);
    const small = flow({ name: "small-final-batch" }, async () => {
      let total = 0;
      for (let index = 0; index < 10; index += 1) total = await step(total);
      return total;
    });
    const run = await harness.client.createFlowRun({ flowName: "small-final-batch", state: makeState("Pending", { now: harness.clock.now() }) });
    try {
      await executeFlowRun(small, run.id, { client });
    } finally {
      await releaseClient(client);
    }
    expect(events.filter((event) => event === "call writeTaskRuns")).toHaveLength(1);
    expect((await harness.client.listTaskRuns({ flowRunId: run.id })).items.map((taskRun) => taskRun.stateName)).toEqual(Array(10).fill("Completed"));
  });

  it("lets the event loop turn between tasks that compute without awaiting", async () => {
    let hasTimerFired = false;
    // Whether the timer had fired when each call started.
    const compute = task("computes", async (ms: number) => {
      const sawTimer = hasTimerFired;
      busyWait(ms);
      return sawTimer;
    });
    const computing = flow({ name: "computing-tasks" }, async () => {
      setTimeout(() => (hasTimerFired = true), 0);
      return [await compute(30), await compute(30), await compute(30)];
    });
    const seen = await computing();
    // The first runs at once; past 20 ms the next start waits for a later turn (timers come at
    // the latest one turn after).
    expect(seen[0]).toBe(false);
    expect(seen[2]).toBe(true);
  });
});
