import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { flow, task, getRunContext, getRunLogger } from "../../src/index.js";
import { openSdkHarness } from "./sdk-harness.js";
import type { SdkHarness } from "./sdk-harness.js";

let harness: SdkHarness;
beforeAll(async () => {
  harness = await openSdkHarness();
});
afterAll(async () => harness.close());

describe("logs", () => {
  it("stores every console line of a run in order, from the flow and its tasks", async () => {
    const shout = task("shout", async (index: number) => {
      console.log(`task line ${index}`);
      if (index % 25 === 0) console.warn(`warning ${index}`);
    });
    let id = "";
    const f = flow("chatty", async () => {
      id = getRunContext().flowRunId!;
      console.log("start");
      for (let index = 0; index < 100; index += 1) await shout(index);
      console.error("end");
    });
    await f();
    const logs = await harness.client.readLogs({ flowRunId: id, limit: 1000 });
    const expected = ["start"];
    for (let index = 0; index < 100; index += 1) {
      expected.push(`task line ${index}`);
      if (index % 25 === 0) expected.push(`warning ${index}`);
    }
    expected.push("end", "Finished in state Completed()");
    expect(logs.map((log) => log.message)).toEqual(expected);
    expect(logs[0]!.level).toBe("INFO");
    expect(logs[0]!.taskRunId).toBeNull();
    expect(logs[1]!.taskRunId).not.toBeNull();
    expect(logs.find((log) => log.message === "warning 0")!.level).toBe("WARNING");
    expect(logs.at(-2)!.level).toBe("ERROR");
    expect(logs.at(-1)).toMatchObject({ level: "INFO", taskRunId: null });
  });

  it("does not capture console with logPrints off, but stores getRunLogger lines", async () => {
    let id = "";
    const f = flow({ name: "quiet", logPrints: false }, async () => {
      id = getRunContext().flowRunId!;
      console.log("not stored");
      getRunLogger().info("stored %d", 1);
      getRunLogger().warning("careful");
    });
    await f();
    const logs = await harness.client.readLogs({ flowRunId: id });
    expect(logs.map((log) => [log.level, log.message])).toEqual([["INFO", "stored 1"], ["WARNING", "careful"], ["INFO", "Finished in state Completed()"]]);
  });
});
