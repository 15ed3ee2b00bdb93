/**
 * A retried flow run reuses the task calls that completed in an earlier attempt (same inputs,
 * same code): in process, through the flow's own `retries`, and through `retryFlowRun` with its
 * choices (`fresh`, `fromTask`).
 */
import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, getRunContext, task } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { executeFlowRun } from "../../src/sdk/execute-flow-run.js";
import { openSdkHarness, type SdkHarness } from "../sdk/sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

async function taskRunsOf(flowRunId: string) {
  const { items } = await harness.client.listTaskRuns({ flowRunId }, { limit: 100 });
  return items.map((run) => ({ id: run.id, task: run.taskKey, state: run.stateName, message: run.state.message ?? null }));
}

describe("flow retries reuse finished tasks", () => {
  it("an automatic flow retry does not run a completed task again and returns its stored value", async () => {
    const calls = { load: 0, shape: 0, save: 0 };
    const load = task("load", async (size: number) => {
      calls.load += 1;
      return { rows: Array.from({ length: size }, (_, index) => index) };
    });
    const shape = task("shape", async (data: { rows: number[] }) => {
      calls.shape += 1;
      if (calls.shape === 1) throw new Error("not yet");
      return data.rows.length;
    });
    const save = task("save", async (count: number) => {
      calls.save += 1;
      return `saved ${count}`;
    });
    let flowRunId = "";
    const pipeline = flow({ name: "reuse-auto", retries: 1 }, async () => {
      flowRunId = getRunContext().flowRunId!;
      const data = await load(3);
      return save(await shape(data));
    });
    expect(await pipeline()).toBe("saved 3");
    expect(calls).toEqual({ load: 1, shape: 2, save: 1 });
    const runs = await taskRunsOf(flowRunId);
    expect(runs.map((run) => `${run.task}:${run.state}`)).toEqual(["load:Completed", "shape:Failed", "load:Cached", "shape:Completed", "save:Completed"]);
    expect(runs[2]!.message).toMatch(/^reused from attempt 1 \(task run /);
  });

  it("runs a call again when its inputs differ from the earlier attempt's", async () => {
    let attempt = 0;
    let loads = 0;
    const load = task("load-by-input", async (key: string) => {
      loads += 1;
      return key;
    });
    const pipeline = flow({ name: "reuse-inputs", retries: 1 }, async () => {
      attempt += 1;
      await load(`key-${attempt}`);
      if (attempt === 1) throw new Error("first attempt fails");
    });
    await pipeline();
    expect(loads).toBe(2);
  });

  it("reuses a task that returned undefined, and a subsequent retry reuses the reused run", async () => {
    let sideEffects = 0;
    const effect = task("side-effect", async () => {
      sideEffects += 1;
    });
    let failures = 2;
    const pipeline = flow({ name: "reuse-undefined", retries: 2 }, async () => {
      await effect();
      if (failures > 0) {
        failures -= 1;
        throw new Error("later step fails");
      }
      return "done";
    });
    expect(await pipeline()).toBe("done");
    expect(sideEffects).toBe(1);
  });

  it("runs a task again, with a warning, when its persisted result cannot be read (a file of another machine)", async () => {
    let computes = 0;
    const compute = task({ name: "persisted-compute", persistResult: true }, async () => {
      computes += 1;
      return { computes };
    });
    let flowRunId = "";
    let attempt = 0;
    const pipeline = flow({ name: "reuse-persisted", retries: 1 }, async () => {
      flowRunId = getRunContext().flowRunId!;
      attempt += 1;
      const value = await compute();
      if (attempt === 1) {
        await flushAll();
        // As if the file was written on another machine: gone from this one.
        rmSync(`${harness.database.dir}/storage`, { recursive: true, force: true });
        throw new Error("later step fails");
      }
      return value;
    });
    expect(await pipeline()).toEqual({ computes: 2 });
    const warnings = await harness.client.readLogs({ flowRunId, minLevel: "WARNING" });
    expect(warnings.map((log) => log.message)).toContainEqual(expect.stringMatching(/task 'persisted-compute': the result of task run .* \(attempt 1\) cannot be read here, so it runs again/));
  });

  it("retryFlowRun reuses by default, runs everything with mode fresh, and restarts from a task with fromTask", async () => {
    const calls: string[] = [];
    let shouldFail = true;
    const step = (name: string) => task(name, async (input: number) => {
      calls.push(name);
      if (name === "second" && shouldFail) throw new Error("cause not removed");
      return input + 1;
    });
    const [first, second, third] = [step("first"), step("second"), step("third")];
    const pipeline = flow("reuse-manual", async () => third(await second(await first(0))));
    // Only a deployment's run can be retried by hand (a worker picks it up again).
    const deployment = await harness.client.upsertDeployment({ name: "manual", flowName: "reuse-manual", entrypoint: "flows.ts:pipeline" });
    const flowRunId = (await harness.client.createDeploymentFlowRun(deployment.id)).id;
    expect((await executeFlowRun(pipeline, flowRunId)).name).toBe("Failed");
    shouldFail = false;
    const again = async (options: Parameters<typeof harness.client.retryFlowRun>[1]) => {
      calls.length = 0;
      await harness.client.retryFlowRun(flowRunId, options);
      await executeFlowRun(pipeline, flowRunId);
      return (await harness.client.readFlowRun(flowRunId)).stateName;
    };
    expect(await again(undefined)).toBe("Completed");
    expect(calls).toEqual(["second", "third"]);
    expect(await again({ fromTask: "second" })).toBe("Completed");
    expect(calls).toEqual(["second", "third"]);
    expect(await again({ fromTask: "third" })).toBe("Completed");
    expect(calls).toEqual(["third"]);
    expect(await again({ mode: "fresh" })).toBe("Completed");
    expect(calls).toEqual(["first", "second", "third"]);
  });

  it("refuses a retry body that mixes fresh with fromTask", async () => {
    const pipeline = flow("reuse-bad-body", async () => "ok");
    const deployment = await harness.client.upsertDeployment({ name: "bad-body", flowName: "reuse-bad-body", entrypoint: "flows.ts:pipeline" });
    const flowRunId = (await harness.client.createDeploymentFlowRun(deployment.id)).id;
    await executeFlowRun(pipeline, flowRunId);
    await expect(harness.client.retryFlowRun(flowRunId, { mode: "fresh", fromTask: "x" })).rejects.toThrow(/fromTask/);
    await expect(harness.client.retryFlowRun(flowRunId, { mode: "again" as never })).rejects.toThrow(/mode/);
    await expect(harness.client.retryFlowRun(flowRunId, { fromTask: "no-such-task" })).rejects.toThrow(/no task named 'no-such-task' ran in flow run/);
  });
});
