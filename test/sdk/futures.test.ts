import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext, waitAll, asCompleted, allowFailure, unmapped } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

const double = task("double", async (x: number) => x * 2);
const add = task("add", (x: number, y: number) => x + y);

describe("submit, map and futures", () => {
  it("maps over 1,000 items, recording every task run Completed", async () => {
    const items = Array.from({ length: 1000 }, (_, index) => index);
    const f = flow("map-flow", async () => {
      const futures = double.map(items);
      return { id: getRunContext().flowRunId!, values: await futures.result() };
    });
    const { id, values } = await f();
    expect(values).toEqual(items.map((x) => x * 2));
    expect(await harness.client.countFlowRuns({ ids: [id], stateNames: ["Completed"] })).toBe(1);
    const runs = await harness.client.listTaskRuns({ flowRunId: id }, { limit: 1000 });
    expect(runs.items).toHaveLength(1000);
    expect(new Set(runs.items.map((run) => run.stateName))).toEqual(new Set(["Completed"]));
    expect(new Set(runs.items.map((run) => run.dynamicKey)).size).toBe(1000);
  });

  it("zips several lists and passes unmapped values whole", async () => {
    const f = flow("zip-flow", async () => add.map([1, 2, 3], unmapped(10)).result());
    expect(await f()).toEqual([11, 12, 13]);
    await expect(flow("zip-bad", async () => add.map([1, 2], [1, 2, 3]).result())()).rejects.toThrow(/different lengths/);
  });

  it("gives futures an id at once, a state, and result()/wait()", async () => {
    const fails = task("fails", async () => {
      throw new Error("nope");
    });
    const f = flow("future-flow", async () => {
      const ok = double.submit(21);
      expect(ok.id).toMatch(/^[0-9a-f-]{36}$/);
      const bad = fails.submit();
      const states = await waitAll([ok, bad]);
      expect(ok.state?.name).toBe("Completed");
      await expect(bad.result()).rejects.toThrow("nope");
      return [states.map((state) => state.name), await ok.result()];
    });
    expect(await f()).toEqual([["Completed", "Failed"], 42]);
  });

  it("orders with waitFor; a failed upstream fails the downstream unless allowFailure", async () => {
    const order: string[] = [];
    const step = task("step", async (name: string, ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(name);
      return name;
    });
    const broken = task("broken", async () => {
      throw new Error("upstream broke");
    });
    const f = flow("wait-for-flow", async () => {
      const first = step.submit("first", 30);
      const second = step.submit("second", 0, { waitFor: [first] });
      await second.wait();
      const failed = broken.submit();
      const blocked = step.submit("blocked", 0, { waitFor: [failed] });
      const allowed = step.submit("allowed", 0, { waitFor: [allowFailure(failed)] });
      return [(await blocked.wait()).name, (await allowed.wait()).name];
    });
    expect(await f()).toEqual(["Failed", "Completed"]);
    expect(order).toEqual(["first", "second", "allowed"]);
  });

  it("yields futures in completion order with asCompleted", async () => {
    const sleepy = task("sleepy", async (ms: number) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      return ms;
    });
    const f = flow("as-completed-flow", async () => {
      const seen: number[] = [];
      for await (const future of asCompleted(sleepy.map([60, 1, 30]))) seen.push(await future.result());
      return seen;
    });
    expect(await f()).toEqual([1, 30, 60]);
  });

  it("limits concurrently running tasks with taskConcurrency", async () => {
    let running = 0;
    let peak = 0;
    const busy = task("busy", async (_index: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    await flow({ name: "limited-flow", taskConcurrency: 3 }, async () => busy.map([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]).wait())();
    expect(peak).toBe(3);
    peak = 0;
    await flow({ name: "unlimited-flow" }, async () => busy.map([1, 2, 3, 4, 5, 6]).wait())();
    expect(peak).toBe(6);
  });

  it("holds tagged tasks to their tag's concurrency limit, AwaitingConcurrencySlot while waiting", async () => {
    await harness.client.createConcurrencyLimit({ tag: "database", limit: 1 });
    let running = 0;
    let peak = 0;
    const query = task({ name: "query", tags: ["database"] }, async (_index: number) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running -= 1;
    });
    let id = "";
    await flow("tag-limited-flow", async () => {
      id = getRunContext().flowRunId!;
      await query.map([1, 2, 3]).wait();
    })();
    expect(peak).toBe(1);
    const runs = await harness.client.listTaskRuns({ flowRunId: id });
    expect(runs.items.map((run) => run.stateName)).toEqual(["Completed", "Completed", "Completed"]);
    const histories = await Promise.all(runs.items.map((run) => harness.client.readTaskRunStates(run.id)));
    expect(histories.some((states) => states.some((state) => state.name === "AwaitingConcurrencySlot"))).toBe(true);
    expect((await harness.client.readConcurrencyLimit("database")).activeSlots).toBe(0);
  });
});
