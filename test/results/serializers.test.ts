/**
 * Serializers and the choice of store through task and flow options, in a real flow on the
 * database WEIR_TEST_DB names: raw bytes, a user's `{ name, dumps, loads }` (through a cache hit),
 * a value a serializer cannot handle failing the task with its type named, and a flow's store
 * inherited by its tasks.
 */
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { flow, getRunContext, task, type ResultSerializer } from "../../src/index.js";
import { flushAll } from "../../src/sdk/client-provider.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";

const { client, database } = useSdkTestClient();

async function taskRunsOf(flowRunId: string) {
  await flushAll();
  return (await client.listTaskRuns({ flowRunId })).items;
}

describe("serializers", () => {
  it("fails a task whose value the bytes serializer cannot store, naming the type", async () => {
    const text = task({ name: "text-as-bytes", persistResult: true, resultSerializer: "bytes" }, async () => "not bytes");
    let flowRunId = "";
    await flow({ name: "bytes-refusal" }, async () => {
      flowRunId = getRunContext().flowRunId!;
      await text();
    })().catch(() => undefined);
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("Failed");
    expect(run!.state.error?.message).toMatch(/result of task 'text-as-bytes' cannot be stored by the 'bytes' serializer \(a string\): the raw-bytes serializer stores only a Uint8Array or Buffer, got a string/);
  });

  it("stores a Uint8Array as raw bytes without being asked", async () => {
    const bytes = task({ name: "bytes-out", persistResult: true }, async () => new Uint8Array([0, 1, 2, 255]));
    let flowRunId = "";
    const value = await flow({ name: "bytes-auto" }, async () => {
      flowRunId = getRunContext().flowRunId!;
      return bytes();
    })();
    expect(value).toEqual(new Uint8Array([0, 1, 2, 255]));
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.state.result).toMatchObject({ kind: "stored", serializer: "bytes" });
  });

  it("round-trips a Map through a user's serializer, and a cache hit reads it back with it", async () => {
    const mapSerializer: ResultSerializer = {
      name: "map-entries",
      dumps: (value) => JSON.stringify([...(value as Map<string, number>).entries()]),
      loads: (data) => new Map(JSON.parse(Buffer.from(data).toString("utf8")) as Array<[string, number]>),
    };
    let runs = 0;
    const counts = task({ name: "counts", cache: {}, resultSerializer: mapSerializer }, async (word: string) => {
      runs += 1;
      return new Map([[word, word.length]]);
    });
    const first = await flow({ name: "map-first" }, async () => counts("weir"))();
    let flowRunId = "";
    const second = await flow({ name: "map-second" }, async () => {
      flowRunId = getRunContext().flowRunId!;
      return counts("weir");
    })();
    expect(runs).toBe(1);
    expect(second).toEqual(new Map([["weir", 4]]));
    expect(first).toEqual(second);
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("Cached");
    expect(run!.state.result).toMatchObject({ serializer: "map-entries" });
  });

  it("fails a task whose user serializer throws, naming the type and the serializer", async () => {
    const strict: ResultSerializer = {
      name: "strict",
      dumps: () => {
        throw new Error("only plain records");
      },
      loads: (data) => data,
    };
    const thing = task({ name: "set-out", persistResult: true, resultSerializer: strict }, async () => new Set([1]));
    let flowRunId = "";
    await flow({ name: "strict-refusal" }, async () => {
      flowRunId = getRunContext().flowRunId!;
      await thing();
    })().catch(() => undefined);
    const [run] = await taskRunsOf(flowRunId);
    expect(run!.stateName).toBe("Failed");
    expect(run!.state.error?.message).toBe("result of task 'set-out' cannot be stored by the 'strict' serializer (a Set instance): only plain records");
  });
});

describe("choosing the store", () => {
  it("writes a task's result to its flow's store, and its own store wins", async () => {
    const flowDir = join(database.dir, "flow-results");
    const taskDir = join(database.dir, "task-results");
    const inherits = task({ name: "inherits", persistResult: true }, async () => ({ n: 1 }));
    const own = task({ name: "own-store", persistResult: true, resultStorage: pathToFileURL(taskDir).href }, async () => ({ n: 2 }));
    let flowRunId = "";
    await flow({ name: "with-store", resultStorage: flowDir, persistResult: true }, async () => {
      flowRunId = getRunContext().flowRunId!;
      await inherits();
      await own();
      return "done";
    })();
    const byKey = Object.fromEntries((await taskRunsOf(flowRunId)).map((run) => [run.taskKey, run.state.result]));
    expect(byKey.inherits).toMatchObject({ store: pathToFileURL(flowDir).href });
    expect(byKey["own-store"]).toMatchObject({ store: pathToFileURL(taskDir).href });
    const flowRun = await client.readFlowRun(flowRunId);
    expect(flowRun.state.result).toMatchObject({ kind: "stored", store: pathToFileURL(flowDir).href });
  });

  it("refuses a store it does not know where the task is defined", () => {
    expect(() => task({ name: "typo", resultStorage: "s4://bucket" }, async () => 1)).toThrow(/resultStorage: result storage 's4:\/\/bucket': expected local, server, s3:\/\/bucket\/prefix/);
    expect(() => flow({ name: "typo", resultSerializer: "yaml" as never }, async () => 1)).toThrow(/resultSerializer/);
  });
});
