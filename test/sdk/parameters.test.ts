import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { flow, executeFlowRun, WeirError } from "../../src/index.js";
import { makeState } from "../../src/core/states.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

const etl = flow(
  { name: "typed-etl", description: "loads rows", params: z.object({ table: z.string(), limit: z.number().int().positive().default(10) }) },
  async ({ table, limit }) => `${table}:${limit}`,
);

describe("flow parameters", () => {
  it("validates and fills defaults from the schema, and stores its JSON Schema", async () => {
    expect(await etl({ table: "users" })).toBe("users:10");
    const stored = await harness.client.readFlow("typed-etl");
    expect(stored.description).toBe("loads rows");
    expect(stored.parameterSchema).toMatchObject({ type: "object", properties: { table: { type: "string" } }, required: ["table"] });
  });

  it("throws a VALIDATION error naming each bad field and creates no run", async () => {
    const before = await harness.client.countFlowRuns({ flowNames: ["typed-etl"] });
    const error = await etl({ table: 3, limit: -1 } as never).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeirError);
    expect((error as WeirError).code).toBe("VALIDATION");
    expect((error as WeirError).message).toMatch(/parameters\.table/);
    expect((error as WeirError).message).toMatch(/parameters\.limit/);
    const issues = (error as WeirError).details?.issues as Array<{ path: string }>;
    expect(issues.map((issue) => issue.path).sort()).toEqual(["parameters.limit", "parameters.table"]);
    expect(await harness.client.countFlowRuns({ flowNames: ["typed-etl"] })).toBe(before);
    expect(await harness.client.countFlowRuns({ stateTypes: ["RUNNING"] })).toBe(0);
  });

  it("fails an existing run (executeFlowRun) whose parameters are invalid, leaving nothing Running", async () => {
    const run = await harness.client.createFlowRun({ flowName: "typed-etl", parameters: { table: 42 }, state: makeState("Pending", { now: harness.clock.now() }) });
    const state = await executeFlowRun(etl, run.id);
    expect(state.name).toBe("Failed");
    expect(state.message).toMatch(/parameters\.table/);
    expect((await harness.client.readFlowRun(run.id)).stateName).toBe("Failed");
  });

  it("executes an existing Pending run to Completed with its stored parameters", async () => {
    const run = await harness.client.createFlowRun({ flowName: "typed-etl", parameters: { table: "orders", limit: 2 }, state: makeState("Pending", { now: harness.clock.now() }) });
    const state = await executeFlowRun(etl, run.id);
    expect(state.name).toBe("Completed");
    expect(state.result).toEqual({ kind: "inline", value: "orders:2" });
    const names = (await harness.client.readFlowRunStates(run.id)).map((item) => item.name);
    expect(names).toEqual(["Pending", "Running", "Completed"]);
    const stored = await harness.client.readFlowRun(run.id);
    expect(stored.heartbeatAt).not.toBeNull();
  });

  it("refuses to execute a run that was cancelled", async () => {
    const run = await harness.client.createFlowRun({ flowName: "typed-etl", parameters: { table: "x" }, state: makeState("Pending", { now: harness.clock.now() }) });
    await harness.client.cancelFlowRun(run.id);
    let isBodyRun = false;
    const watcher = flow("typed-etl", async () => {
      isBodyRun = true;
    });
    const state = await executeFlowRun(watcher, run.id);
    expect(state.type).toBe("CANCELLED");
    expect(isBodyRun).toBe(false);
  });

  it("rejects a params option that is not a schema", () => {
    expect(() => flow({ name: "bad", params: {} as never }, async () => 1)).toThrow(/params/);
  });
});
