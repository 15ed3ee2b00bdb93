/** The round trips every result store must pass (test/results/*.test.ts call them per store). */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { persistResult, readResult } from "../../src/sdk/results/persist-result.js";
import type { ResultStore } from "../../src/sdk/results/result-store.js";

const TWENTY_MB = 20 * 1024 * 1024;

/** Declare the round-trip tests of a store (made lazily: hooks may fill it in). */
export function roundTrips(name: string, store: () => ResultStore): void {
  describe(name, () => {
    it("round-trips a JSON value through its ref", async () => {
      const value = { rows: [1, 2, 3], nested: { text: "é\u0000x", when: null }, empty: [] };
      const ref = await persistResult(value, "result of test", { storage: store(), serializer: null });
      expect(ref).toMatchObject({ kind: "stored", serializer: "json", store: store().url });
      expect(await readResult(ref, { storage: store(), serializer: null })).toEqual(value);
    });

    it("round-trips undefined as undefined", async () => {
      const ref = await persistResult(undefined, "result of test", { storage: store(), serializer: null });
      expect(await readResult(ref, { storage: store(), serializer: null })).toBeUndefined();
    });

    it("round-trips a 20 MB Uint8Array byte for byte, as raw bytes", async () => {
      const bytes = new Uint8Array(randomBytes(TWENTY_MB));
      const ref = await persistResult(bytes, "result of test", { storage: store(), serializer: null });
      expect(ref).toMatchObject({ kind: "stored", serializer: "bytes" });
      const back = (await readResult(ref, { storage: store(), serializer: null })) as Uint8Array;
      expect(back).toBeInstanceOf(Uint8Array);
      expect(back.byteLength).toBe(TWENTY_MB);
      expect(Buffer.compare(Buffer.from(back), Buffer.from(bytes))).toBe(0);
    });

    it("stores every byte value unchanged (NUL, high bytes, invalid UTF-8)", async () => {
      const bytes = Buffer.from([0, 255, 0xc3, 0x28, 10, 13, 0, 0x80]);
      await store().write("all-bytes.bin", bytes);
      expect(Buffer.from(await store().read("all-bytes.bin"))).toEqual(bytes);
    });

    it("lists what it holds, and deletes", async () => {
      await store().write("listed.bin", Buffer.from("hello"));
      expect((await store().list()).find((item) => item.key === "listed.bin")).toMatchObject({ key: "listed.bin", sizeBytes: 5 });
      await store().delete("listed.bin");
      await store().delete("listed.bin");
      expect((await store().list()).map((item) => item.key)).not.toContain("listed.bin");
      await expect(store().read("listed.bin")).rejects.toMatchObject({ code: "NOT_FOUND" });
    });

    it("refuses a key that could name a path", async () => {
      await expect(store().write("../escape", Buffer.from("x"))).rejects.toMatchObject({ code: "VALIDATION" });
    });
  });
}

