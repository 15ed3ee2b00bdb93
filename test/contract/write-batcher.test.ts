/**
 * Group commit (src/orchestration/write-batcher.ts): calls made while a batch is in flight share
 * the next one, a lone call goes at once, two items with one key never share a batch, and a
 * failing batch is retried item by item so that only the bad item fails.
 */
import { describe, expect, it } from "vitest";
import { createWriteBatcher } from "../../src/orchestration/write-batcher.js";

interface Item {
  key: string;
  value: number;
}

function recordingWriter(options: { failOn?: number } = {}) {
  const batches: number[][] = [];
  let release: (() => void) | null = null;
  const write = async (items: Item[]): Promise<number[]> => {
    batches.push(items.map((item) => item.value));
    // The first batch waits for the test, so that later calls pile up behind it.
    if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve));
    if (items.some((item) => item.value === options.failOn)) throw new Error(`bad item ${options.failOn}`);
    return items.map((item) => item.value * 10);
  };
  return { batches, write, release: () => release?.() };
}

describe("write batcher", () => {
  it("sends a lone call at once and groups the calls made meanwhile", async () => {
    const writer = recordingWriter();
    const batcher = createWriteBatcher(writer.write, { keyOf: (item: Item) => item.key, maxBatchesInFlight: 1 });
    const first = batcher({ key: "a", value: 1 });
    expect(writer.batches).toEqual([[1]]);
    const later = [2, 3, 4].map((value) => batcher({ key: `k${value}`, value }));
    writer.release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(writer.batches).toEqual([[1], [2, 3, 4]]);
  });

  it("never puts two items with one key in the same batch", async () => {
    const writer = recordingWriter();
    const batcher = createWriteBatcher(writer.write, { keyOf: (item: Item) => item.key, maxBatchesInFlight: 1 });
    const first = batcher({ key: "x", value: 1 });
    const later = [batcher({ key: "same", value: 2 }), batcher({ key: "same", value: 3 }), batcher({ key: "other", value: 4 })];
    writer.release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30, 40]);
    expect(writer.batches).toEqual([[1], [2, 4], [3]]);
  });

  it("caps a batch at maxBatchSize", async () => {
    const writer = recordingWriter();
    const batcher = createWriteBatcher(writer.write, { keyOf: (item: Item) => item.key, maxBatchesInFlight: 1, maxBatchSize: 2 });
    const calls = [1, 2, 3, 4, 5].map((value) => batcher({ key: `k${value}`, value }));
    writer.release();
    await Promise.all(calls);
    expect(writer.batches).toEqual([[1], [2, 3], [4, 5]]);
  });

  it("fails only the bad item of a failing batch", async () => {
    const writer = recordingWriter({ failOn: 3 });
    const batcher = createWriteBatcher(writer.write, { keyOf: (item: Item) => item.key, maxBatchesInFlight: 1 });
    const first = batcher({ key: "a", value: 1 });
    const later = [2, 3, 4].map((value) => batcher({ key: `k${value}`, value }));
    writer.release();
    const settled = await Promise.allSettled([first, ...later]);
    expect(settled.map((result) => (result.status === "fulfilled" ? result.value : String((result.reason as Error).message)))).toEqual([10, 20, "bad item 3", 40]);
  });
});
