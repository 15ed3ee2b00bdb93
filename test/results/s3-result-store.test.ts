/**
 * The s3:// result store against moto, a local S3-PROTOCOL STAND-IN started by this test (see
 * moto-server.ts): the same @aws-sdk/client-s3 calls Weir makes against real S3, with the
 * endpoint from WEIR_S3_ENDPOINT and path-style addressing. JSON and bytes round-trip, a 20 MB
 * Uint8Array byte for byte; a missing key is NOT_FOUND and a missing bucket a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseS3Url, S3ResultStore } from "../../src/sdk/results/s3-result-store.js";
import { createBucket, MOTO_SKIP_REASON, startMoto, type MotoServer } from "./moto-server.js";
import { roundTrips } from "./store-round-trips.js";

describe("s3:// URLs", () => {
  it("parse into bucket and prefix", () => {
    expect(parseS3Url("s3://weir-results/team/a/")).toEqual({ bucket: "weir-results", prefix: "team/a/" });
    expect(parseS3Url("s3://weir-results")).toEqual({ bucket: "weir-results", prefix: "" });
    expect(() => parseS3Url("s3://A_B/x")).toThrow(/expected s3:\/\/bucket\/prefix/);
  });
});

if (MOTO_SKIP_REASON !== null) {
  describe.skip(`s3:// result store (skipped: ${MOTO_SKIP_REASON})`, () => {
    it("round-trips", () => undefined);
  });
} else {
  describe("s3:// result store against moto (an S3-protocol stand-in)", () => {
    let moto: MotoServer;
    let store: S3ResultStore;
    let missing: S3ResultStore;
    const saved: Record<string, string | undefined> = {};
    beforeAll(async () => {
      moto = await startMoto();
      for (const [name, value] of Object.entries(moto.env)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
      await createBucket(moto, "weir-results");
      store = new S3ResultStore("s3://weir-results/runs/team-a");
      missing = new S3ResultStore("s3://no-such-bucket/x");
    }, 300_000);
    afterAll(async () => {
      await store?.close();
      await missing?.close();
      await moto?.stop();
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    });

    roundTrips("s3://weir-results/runs/team-a", () => store);

    it("records the store's URL in the ref", () => {
      expect(store.url).toBe("s3://weir-results/runs/team-a");
    });

    it("says which bucket it could not write to", async () => {
      await expect(missing.write("a.json", Buffer.from("{}"))).rejects.toThrow(/cannot write result 'a.json' in s3:\/\/no-such-bucket\/x: NoSuchBucket/);
    });
  });
}
