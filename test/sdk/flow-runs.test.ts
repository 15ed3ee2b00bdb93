import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext } from "../../src/index.js";
import type { FlowHookContext } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

const ids = () => getRunContext().flowRunId!;

describe("subflows", () => {
  it("links a flow called inside a flow to its parent run and a parent task run", async () => {
    const child = flow("child-flow", async ({ x }: { x: number }) => ({ id: ids(), doubled: x * 2 }));
    const parent = flow("parent-flow", async () => ({ id: ids(), child: await child({ x: 4 }) }));
    const result = await parent();
    expect(result.child.doubled).toBe(8);
    const childRun = await harness.client.readFlowRun(result.child.id);
    expect(childRun.parentFlowRunId).toBe(result.id);
    expect(childRun.stateName).toBe("Completed");
    expect(childRun.parameters).toEqual({ x: 4 });
    const parentTask = await harness.client.readTaskRun(childRun.parentTaskRunId!);
    expect(parentTask.flowRunId).toBe(result.id);
    expect(parentTask.subflowRunId).toBe(childRun.id);
    expect(parentTask.stateName).toBe("Completed");
    const listed = await harness.client.listFlowRuns({ parentFlowRunId: result.id });
    expect(listed.items.map((run) => run.id)).toEqual([childRun.id]);
  });

  it("marks the parent task run Failed when the subflow fails", async () => {
    const child = flow("failing-child", async () => {
      throw new Error("child broke");
    });
    let parentId = "";
    const parent = flow("catching-parent", async () => {
      parentId = ids();
      await child().catch(() => undefined);
    });
    await parent();
    const { items } = await harness.client.listTaskRuns({ flowRunId: parentId });
    expect(items.map((run) => run.stateName)).toEqual(["Failed"]);
    expect((await harness.client.readFlowRun(parentId)).stateName).toBe("Completed");
  });
});

describe("error propagation", () => {
  const broken = task("broken-task", async () => {
    throw new TypeError("bad row");
  });

  it("fails the flow when a task error propagates out, storing the error", async () => {
    let id = "";
    const f = flow("propagating", async () => {
      id = ids();
      await broken();
    });
    await expect(f()).rejects.toThrow(TypeError);
    const run = await harness.client.readFlowRun(id);
    expect(run.stateName).toBe("Failed");
    expect(run.state.error).toMatchObject({ name: "TypeError", message: "bad row" });
    const tasks = await harness.client.listTaskRuns({ flowRunId: id });
    expect(tasks.items[0]!.state.error?.message).toBe("bad row");
  });

  it("does not fail the flow for a failed task it catches or never awaits", async () => {
    let id = "";
    const f = flow("catching", async () => {
      id = ids();
      try {
        await broken();
      } catch {
        // handled
      }
      broken.submit();
      return "fine";
    });
    expect(await f()).toBe("fine");
    expect((await harness.client.readFlowRun(id)).stateName).toBe("Completed");
    const tasks = await harness.client.listTaskRuns({ flowRunId: id });
    expect(tasks.items.map((run) => run.stateName)).toEqual(["Failed", "Failed"]);
  });

  it("stores a small return value inline in the Completed state", async () => {
    let id = "";
    await flow("returns", async () => {
      id = ids();
      return { rows: 3 };
    })();
    expect((await harness.client.readFlowRun(id)).state.result).toEqual({ kind: "inline", value: { rows: 3 } });
  });
});

describe("hooks", () => {
  it("fires each flow hook once, and task hooks on completion and failure", async () => {
    const calls: string[] = [];
    const record = (name: string) => (context: FlowHookContext) => {
      calls.push(`${name}:${context.state.name}`);
    };
    let attempts = 0;
    const okTask = task({ name: "ok-task", onCompletion: (ctx) => void calls.push(`task-completed:${String(ctx.value)}`) }, async () => "v");
    const badTask = task({ name: "bad-task", onFailure: (ctx) => void calls.push(`task-failed:${(ctx.error as Error).message}`) }, async () => {
      throw new Error("x");
    });
    const hooked = {
      retries: 1,
      onRunning: record("running"),
      onCompletion: record("completed"),
      onFailure: record("failed"),
      onCancellation: record("cancelled"),
      onCrashed: record("crashed"),
    };
    const f = flow({ name: "hooked", ...hooked }, async () => {
      attempts += 1;
      await okTask();
      await badTask().catch(() => undefined);
      if (attempts === 1) throw new Error("first attempt fails");
    });
    await f();
    expect(calls).toEqual(["running:Running", "task-completed:v", "task-failed:x", "task-completed:v", "task-failed:x", "completed:Completed"]);

    calls.length = 0;
    const failing = flow({ name: "hooked-failing", ...hooked, retries: 0 }, async () => {
      throw new Error("no");
    });
    await expect(failing()).rejects.toThrow("no");
    expect(calls).toEqual(["running:Running", "failed:Failed"]);
  });

  it("logs a hook that throws without changing the run's state", async () => {
    let id = "";
    const f = flow({ name: "bad-hook", onCompletion: () => {
      throw new Error("hook exploded");
    } }, async () => {
      id = ids();
    });
    await f();
    expect((await harness.client.readFlowRun(id)).stateName).toBe("Completed");
    const logs = await harness.client.readLogs({ flowRunId: id });
    expect(logs.some((log) => log.level === "ERROR" && log.message.includes("hook exploded"))).toBe(true);
  });
});

describe("run context", () => {
  it("tells ids, parameters and attempt, and throws outside a run", async () => {
    const inner = task("context-task", async () => getRunContext());
    const f = flow("context-flow", async (_params: { a: number }) => ({ flow: getRunContext(), task: await inner() }));
    const { flow: flowContext, task: taskContext } = await f({ a: 1 });
    expect(flowContext.parameters).toEqual({ a: 1 });
    expect(flowContext.flowName).toBe("context-flow");
    expect(flowContext.flowRunName).toBe((await harness.client.readFlowRun(flowContext.flowRunId!)).name);
    expect(taskContext.flowRunName).toBe(flowContext.flowRunName);
    expect(taskContext.taskRunName).toBe((await harness.client.readTaskRun(taskContext.taskRunId!)).name);
    expect(taskContext.taskRunName).toBe("context-task-0");
    expect(flowContext.taskRunName).toBeNull();
    expect(flowContext.taskRunId).toBeNull();
    expect(flowContext.attempt).toBe(1);
    expect(taskContext.flowRunId).toBe(flowContext.flowRunId);
    expect(taskContext.taskName).toBe("context-task");
    expect(taskContext.taskRunId).toMatch(/^[0-9a-f-]{36}$/);
    expect(() => getRunContext()).toThrow(/outside a flow or task run/);
  });
});

describe("cancellation", () => {
  it("stops a running flow cancelled from outside: its signal aborts, it ends Cancelled, onCancellation fires once", async () => {
    process.env.WEIR_HEARTBEAT_INTERVAL_SECONDS = "0.02";
    try {
      const calls: string[] = [];
      let id = "";
      const f = flow({ name: "cancellable", onCancellation: (ctx) => void calls.push(ctx.state.name) }, async () => {
        id = getRunContext().flowRunId!;
        const { signal } = getRunContext();
        await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
      });
      const running = f();
      while (id === "") await new Promise((resolve) => setTimeout(resolve, 5));
      await harness.client.cancelFlowRun(id);
      await expect(running).rejects.toThrow(/cancelled/);
      expect((await harness.client.readFlowRun(id)).stateName).toBe("Cancelled");
      expect(calls).toEqual(["Cancelled"]);
    } finally {
      delete process.env.WEIR_HEARTBEAT_INTERVAL_SECONDS;
    }
  });
});
