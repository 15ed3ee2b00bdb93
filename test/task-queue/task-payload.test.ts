/**
 * Task-queue payloads (src/sdk/placement/task-payload.ts): JSON text up to 64 KiB stays inline;
 * larger text goes to the named result store and comes back intact from its reference, then is
 * deleted; the store is the task's, else WEIR_RESULT_STORAGE, else the server's. And the server's
 * wake-ups of waiting claims (src/server/task-queue-wakeups.ts).
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_INLINE_TASK_PAYLOAD_BYTES } from "../../src/core/task-queue.js";
import { discardPayload, packPayload, payloadStorage, readPayload } from "../../src/sdk/placement/task-payload.js";
import { LocalResultStore } from "../../src/sdk/results/local-result-store.js";
import { TaskQueueWakeups } from "../../src/server/task-queue-wakeups.js";

const dir = mkdtempSync(join(tmpdir(), "weir-payload-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("task-queue payloads", () => {
  it("keep JSON of up to 64 KiB inline, in the row", async () => {
    const json = JSON.stringify(["a".repeat(MAX_INLINE_TASK_PAYLOAD_BYTES - 10)]);
    expect(Buffer.byteLength(json)).toBeLessThanOrEqual(MAX_INLINE_TASK_PAYLOAD_BYTES);
    const packed = await packPayload(json, pathToFileURL(join(dir, "inline")).href);
    expect(packed).toEqual({ text: json, stored: null });
    expect(await readPayload(packed.text, "server")).toEqual({ value: JSON.parse(json), stored: null });
  });

  it("send larger JSON through the result store, read it back intact, and delete it", async () => {
    const storeDir = join(dir, "shared");
    const store = pathToFileURL(storeDir).href;
    // Multi-byte characters: the threshold counts UTF-8 bytes, not characters.
    const value = { rows: Array.from({ length: 3000 }, (_, index) => ({ index, text: `é-${index}-ü` })) };
    const json = JSON.stringify({ value });
    expect(Buffer.byteLength(json)).toBeGreaterThan(MAX_INLINE_TASK_PAYLOAD_BYTES);
    const packed = await packPayload(json, store);
    expect(packed.stored).toMatchObject({ store: new LocalResultStore(storeDir).url, bytes: Buffer.byteLength(json) });
    expect(packed.text.length).toBeLessThan(300);
    expect(readdirSync(storeDir)).toEqual([packed.stored!.key]);
    // The reader names another store of its own: the reference says where the payload is.
    const read = await readPayload(packed.text, "server");
    expect(read.value).toEqual({ value });
    expect(read.stored).toEqual(packed.stored);
    await discardPayload(read.stored!, "server");
    expect(readdirSync(storeDir)).toEqual([]);
  });

  it("go to the task's store, else WEIR_RESULT_STORAGE, else the server's", () => {
    expect(payloadStorage("s3://bucket/x", { WEIR_RESULT_STORAGE: "/shared" })).toBe("s3://bucket/x");
    expect(payloadStorage(null, { WEIR_RESULT_STORAGE: "/shared" })).toBe("/shared");
    expect(payloadStorage(null, {})).toBe("server");
  });

  it("refuse a reference without its store, key and size", async () => {
    await expect(readPayload(JSON.stringify({ stored: { key: "k" } }), "server")).rejects.toThrow(/store, key and size/);
  });
});

describe("waiting-claim wake-ups", () => {
  it("wake the waits of a queue, not of others; a wait ends by itself or when its caller hangs up", async () => {
    const wakeups = new TaskQueueWakeups();
    const hangUp = new AbortController();
    const settled: string[] = [];
    const a = wakeups.wait("a", 60_000, hangUp.signal).then(() => settled.push("a"));
    const b = wakeups.wait("b", 60_000, hangUp.signal).then(() => settled.push("b"));
    const c = wakeups.wait("c", 60_000, new AbortController().signal).then(() => settled.push("c"));
    expect(wakeups.waitingCount).toBe(3);
    wakeups.wake(["a", "z"]);
    await a;
    expect(settled).toEqual(["a"]);
    hangUp.abort();
    await b;
    expect(settled).toEqual(["a", "b"]);
    expect(wakeups.waitingCount).toBe(1);
    wakeups.wake(["c"]);
    await c;
    const started = performance.now();
    await wakeups.wait("d", 50, new AbortController().signal);
    expect(performance.now() - started).toBeGreaterThanOrEqual(45);
    expect(wakeups.waitingCount).toBe(0);
  });
});
