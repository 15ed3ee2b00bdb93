import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext, WeirError } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

async function taskStatesOf(flowRunId: string) {
  const { items } = await harness.client.listTaskRuns({ flowRunId });
  return items.map((run) => run.stateName);
}

describe("caching", () => {
  it("reuses a result across two runs of a flow: second task run Cached, body not executed", async () => {
    let executions = 0;
    const expensive = task({ name: "expensive", cache: { policy: "inputs" } }, async (n: number) => {
      executions += 1;
      return { squared: n * n, at: executions };
    });
    const f = flow("cached-flow", async ({ n }: { n: number }) => ({ id: getRunContext().flowRunId!, value: await expensive(n) }));
    const first = await f({ n: 7 });
    const second = await f({ n: 7 });
    expect(executions).toBe(1);
    expect(second.value).toEqual({ squared: 49, at: 1 });
    expect(await taskStatesOf(first.id)).toEqual(["Completed"]);
    expect(await taskStatesOf(second.id)).toEqual(["Cached"]);
    const other = await f({ n: 8 });
    expect(executions).toBe(2);
    expect(await taskStatesOf(other.id)).toEqual(["Completed"]);
  });

  it("expires cached results after expirationSeconds", async () => {
    let executions = 0;
    const fetchRate = task({ name: "fetch-rate", cache: { expirationSeconds: 60 } }, async () => {
      executions += 1;
      return executions;
    });
    const f = flow("expiring-flow", async () => fetchRate());
    expect(await f()).toBe(1);
    harness.clock.advance(30_000);
    expect(await f()).toBe(1);
    harness.clock.advance(31_000);
    expect(await f()).toBe(2);
  });

  it("runs anyway with refresh, and with a custom key function", async () => {
    let executions = 0;
    const body = async (path: string) => {
      executions += 1;
      return `${path}#${executions}`;
    };
    const byExtension = task({ name: "by-extension", cache: { policy: (_ctx, args) => String(args[0]).split(".").pop() } }, body);
    const f = flow("custom-key-flow", async () => [await byExtension("a.csv"), await byExtension("b.csv"), await byExtension("c.json")]);
    expect(await f()).toEqual(["a.csv#1", "a.csv#1", "c.json#2"]);
    const refreshing = byExtension.with({ cache: { policy: (_ctx, args) => String(args[0]).split(".").pop(), refresh: true } });
    expect(await flow("refresh-flow", async () => refreshing("d.csv"))()).toBe("d.csv#3");
  });

  it("fails with NOT_SERIALIZABLE when a cached result cannot be stored", async () => {
    const makesFunction = task({ name: "makes-function", cache: {} }, async () => ({ callback: () => 1 }));
    const error = await flow("unserializable-flow", async () => makesFunction())().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe("NOT_SERIALIZABLE");
    expect((error as WeirError).message).toMatch(/result\.callback is a function/);
  });
});
