/**
 * Every result store round-trips JSON and raw bytes, a 20 MB Uint8Array byte for byte included:
 * a local directory, a `file://` directory, and `server` both in process and over real HTTP (the
 * orchestration database WEIR_TEST_DB names). Past the server's size limit a write is a clear 413.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { WeirError } from "../../src/core/weir-error.js";
import { LocalResultStore } from "../../src/sdk/results/local-result-store.js";
import { storeNamed } from "../../src/sdk/results/result-store-for.js";
import { ServerResultStore } from "../../src/sdk/results/server-result-store.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { useTestServer } from "../helpers/test-server.js";
import { roundTrips } from "./store-round-trips.js";

const scratch = mkdtempSync(join(tmpdir(), "weir-result-stores-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

roundTrips("a local directory", () => storeNamed(join(scratch, "local")));
roundTrips("a file:// directory (a shared file system)", () => storeNamed(pathToFileURL(join(scratch, "shared")).href));

describe("the local store's files", () => {
  it("are written whole (no temporary file left) and readable by their owner only", async () => {
    const store = new LocalResultStore(join(scratch, "modes"));
    await store.write("one.json", Buffer.from("{}"));
    expect(readdirSync(store.dir)).toEqual(["one.json"]);
    expect(statSync(join(store.dir, "one.json")).mode & 0o777).toBe(0o600);
    expect(statSync(store.dir).mode & 0o777).toBe(0o700);
  });
});

describe("server storage, in process", () => {
  const { client } = useTestOrchestration();
  const store = new ServerResultStore(async () => client);
  roundTrips("server (in process)", () => store);
});

describe("server storage, over HTTP", () => {
  const { server } = useTestServer({ maxResultBytes: 21 * 1024 * 1024 });
  let client: HttpClient | null = null;
  const http = () => (client ??= new HttpClient({ apiUrl: server.url, retries: 0 }));
  const store = new ServerResultStore(async () => http());
  afterAll(async () => {
    await client?.close();
  });
  roundTrips("server (HTTP)", () => store);

  it("answers 413 with the limit and its setting for a result past it, and stores nothing", async () => {
    const error = await store.write("too-big.bin", new Uint8Array(21 * 1024 * 1024 + 1)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(WeirError);
    expect(error).toMatchObject({ code: "PAYLOAD_TOO_LARGE" });
    expect((error as Error).message).toMatch(/over this server's limit of 22020096 bytes per result \(WEIR_RESULT_MAX_BYTES\)/);
    expect(await http().readResult("too-big.bin")).toBeNull();
  });

  it("answers 413 for a result just past the limit whose base64 still fits the body limit", async () => {
    const response = await fetch(`${server.url}/api/results/edge.bin`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: Buffer.alloc(21 * 1024 * 1024 + 1).toString("base64") }),
    });
    expect(response.status).toBe(413);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/the result of 22020097 bytes is over/);
  });

  it("refuses data that is not base64", async () => {
    const response = await fetch(`${server.url}/api/results/bad.bin`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ data: "not base64!" }) });
    expect(response.status).toBe(422);
  });
});
