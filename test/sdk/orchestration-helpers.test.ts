import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext, pauseFlowRun, runDeployment, flushAll } from "../../src/index.js";
import type { FlowRun } from "../../src/core/models.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

describe("pauseFlowRun", () => {
  it("pauses the run until it is resumed, and returns the resume input", async () => {
    let id = "";
    const f = flow("approval", async () => {
      id = getRunContext().flowRunId!;
      const input = await pauseFlowRun({ timeoutSeconds: 600, pollIntervalSeconds: 5 });
      return input;
    });
    const running = f();
    // The harness sleep advances the fake clock; resume once the run is seen Paused.
    for (let tries = 0; tries < 2000; tries += 1) {
      if (id !== "" && (await harness.client.readFlowRun(id)).stateType === "PAUSED") break;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await harness.client.resumeFlowRun(id, { approved: true });
    expect(await running).toEqual({ approved: true });
    const names = (await harness.client.readFlowRunStates(id)).map((state) => state.name);
    expect(names).toEqual(["Pending", "Running", "Paused", "Running", "Completed"]);
  });

  it("fails the flow when nobody resumes it in time", async () => {
    const f = flow("never-approved", async () => pauseFlowRun({ timeoutSeconds: 30, pollIntervalSeconds: 10 }));
    await expect(f()).rejects.toThrow(/paused for 30 s without a resume/);
    const { items } = await harness.client.listFlowRuns({ flowNames: ["never-approved"] });
    expect(items[0]!.stateName).toBe("Failed");
  });
});

describe("runDeployment", () => {
  it("creates a run of a deployment linked to the calling flow, and waits for it to end", async () => {
    await harness.client.upsertFlow({ name: "target" });
    const deployment = await harness.client.upsertDeployment({ name: "nightly", flowName: "target", entrypoint: "flows.ts:target", parameters: { day: "mon" } });
    const f = flow("caller", async () => {
      const created = await runDeployment("target/nightly", { day: "tue" }, { wait: false });
      return { parentId: getRunContext().flowRunId!, created };
    });
    const { parentId, created } = await f();
    expect(created.deploymentId).toBe(deployment.id);
    expect(created.parameters).toEqual({ day: "tue" });
    expect(created.parentFlowRunId).toBe(parentId);
    expect(created.stateType).toBe("SCHEDULED");

    const waiting = runDeployment("target/nightly", {}, { pollIntervalSeconds: 1, timeoutSeconds: 3600 });
    let second: FlowRun | undefined;
    for (let tries = 0; tries < 2000 && second === undefined; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      const { items } = await harness.client.listFlowRuns({ deploymentIds: [deployment.id] });
      second = items.find((item) => item.id !== created.id);
    }
    await harness.client.setFlowRunState(second!.id, { state: { id: crypto.randomUUID(), type: "CANCELLED", name: "Cancelled", timestamp: harness.clock.now().toISOString() } });
    expect((await waiting).stateName).toBe("Cancelled");
  });
});

describe("tasks outside flows", () => {
  it("records a task called outside any flow, with no flow run", async () => {
    const lonely = task("lonely", async () => getRunContext().taskRunId!);
    const id = await lonely();
    await flushAll();
    const run = await harness.client.readTaskRun(id);
    expect(run.flowRunId).toBeNull();
    expect(run.stateName).toBe("Completed");
  });
});
