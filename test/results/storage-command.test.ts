/**
 * `weir storage ls` shows what a result store holds: the server's (over real HTTP, on the
 * database WEIR_TEST_DB names; the default with WEIR_API_URL) and a local directory. `weir storage
 * prune` deletes the results no run's state refers to (their runs deleted) and keeps the rest, in
 * each kind of store: a local directory, the server's database, an S3 bucket (moto, a local
 * S3-protocol stand-in, see moto-server.ts).
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { cliEnv, runCli } from "../cli/run-cli.js";
import { useTestServer } from "../helpers/test-server.js";
import { createBucket, MOTO_SKIP_REASON, startMoto, type MotoServer } from "./moto-server.js";

const { server, database } = useTestServer();
let client: HttpClient | null = null;
afterAll(async () => {
  await client?.close();
});

describe("weir storage ls", () => {
  it("lists the server's results by default when WEIR_API_URL is set", async () => {
    client = new HttpClient({ apiUrl: server.url, retries: 0 });
    await client.putResult("listed-1.bin", new Uint8Array(2048));
    const env = cliEnv(database.url, join(database.dir, "cli-home"), { WEIR_API_URL: server.url });
    const json = await runCli(["storage", "ls", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const listing = JSON.parse(json.stdout) as { store: string; items: Array<{ key: string; sizeBytes: number }> };
    expect(listing.store).toBe("server");
    expect(listing.items).toEqual([expect.objectContaining({ key: "listed-1.bin", sizeBytes: 2048 })]);
    const table = await runCli(["storage", "ls"], env);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^server: 1 result, 2\.0 KiB/);
    expect(table.stdout).toContain("listed-1.bin");
  });

  it("lists a local directory", async () => {
    const dir = join(database.dir, "results-dir");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "a.json"), "{}");
    const result = await runCli(["storage", "ls", "--store", dir, "--json"], cliEnv(database.url, join(database.dir, "cli-home")));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ store: pathToFileURL(dir).href, items: [expect.objectContaining({ key: "a.json", sizeBytes: 2 })] });
  });
});

describe("weir storage prune", () => {
  it("deletes the results of deleted runs, keeps those a run refers to and the recent ones", async () => {
    client ??= new HttpClient({ apiUrl: server.url, retries: 0 });
    const dir = join(database.dir, "prune-dir");
    mkdirSync(dir, { recursive: true });
    for (const key of ["kept-by-task.json", "kept-by-flow.json", "orphan_1.json", "orphan-2.json"]) writeFileSync(join(dir, key), "{}");
    const store = pathToFileURL(dir).href;
    const stored = (key: string) => ({ kind: "stored", storageKey: key, serializer: "json", store });
    const now = new Date().toISOString();
    const state = (type: string, name: string, result: unknown = null) => ({ id: crypto.randomUUID(), type, name, timestamp: now, result });
    const run = await client.createFlowRun({ flowName: "prune" });
    await client.setFlowRunState(run.id, { state: state("RUNNING", "Running") as never });
    await client.setFlowRunState(run.id, { state: state("COMPLETED", "Completed", stored("kept-by-flow.json")) as never });
    await client.writeTaskRuns([
      { id: crypto.randomUUID(), flowRunId: run.id, name: "t-0", taskKey: "t", dynamicKey: "0", states: [state("RUNNING", "Running"), state("COMPLETED", "Completed", stored("kept-by-task.json"))] } as never,
      { id: crypto.randomUUID(), flowRunId: run.id, name: "t-1", taskKey: "t", dynamicKey: "1", states: [state("COMPLETED", "Completed", stored("orphanX1.json"))] } as never,
    ]);
    // A key with a LIKE wildcard in it must not match another key ("orphan_1" vs "orphanX1").
    const env = cliEnv(database.url, join(database.dir, "cli-home"), { WEIR_API_URL: server.url });
    const recent = await runCli(["storage", "prune", "--store", dir, "--json"], env);
    expect(recent.code, recent.stderr).toBe(0);
    expect(JSON.parse(recent.stdout)).toMatchObject({ deleted: [] });

    const dry = await runCli(["storage", "prune", "--store", dir, "--older-than-hours", "0", "--dry-run"], env);
    expect(dry.stdout).toMatch(/would delete 2 of 4 results/);
    expect(readdirSync(dir).sort()).toHaveLength(4);

    const pruned = await runCli(["storage", "prune", "--store", dir, "--older-than-hours", "0", "--json"], env);
    expect(pruned.code, pruned.stderr).toBe(0);
    expect((JSON.parse(pruned.stdout) as { deleted: string[] }).deleted.sort()).toEqual(["orphan-2.json", "orphan_1.json"]);
    expect(readdirSync(dir).sort()).toEqual(["kept-by-flow.json", "kept-by-task.json"]);
  });
});

describe("weir storage prune, per store", () => {
  const http = () => (client ??= new HttpClient({ apiUrl: server.url, retries: 0 }));
  const stored = (key: string, store: string) => ({ kind: "stored", storageKey: key, serializer: "json", store });

  /** A finished run whose one task refers to `key` in `store`. */
  async function runReferring(key: string, store: string): Promise<void> {
    const now = new Date().toISOString();
    const state = (type: string, name: string, result: unknown = null) => ({ id: crypto.randomUUID(), type, name, timestamp: now, result });
    const run = await http().createFlowRun({ flowName: "prune-per-store" });
    await http().writeTaskRuns([{ id: crypto.randomUUID(), flowRunId: run.id, name: "t", taskKey: "t", dynamicKey: key, states: [state("COMPLETED", "Completed", stored(key, store))] } as never]);
  }

  async function prune(store: string, extraEnv: Record<string, string> = {}): Promise<{ store: string; deleted: string[] }> {
    const env = cliEnv(database.url, join(database.dir, "cli-home"), { WEIR_API_URL: server.url, ...extraEnv });
    const result = await runCli(["storage", "prune", "--store", store, "--older-than-hours", "0", "--json"], env);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout) as { store: string; deleted: string[] };
    return { ...output, deleted: output.deleted.sort() };
  }

  it("in the server's database", async () => {
    for (const key of ["srv-kept.json", "srv-orphan.json"]) await http().putResult(key, new TextEncoder().encode("{}"));
    await runReferring("srv-kept.json", "server");
    // Earlier tests of this file left other unreferenced results in the server: they go too.
    const pruned = await prune("server");
    expect(pruned.store).toBe("server");
    expect(pruned.deleted).toContain("srv-orphan.json");
    expect(pruned.deleted).not.toContain("srv-kept.json");
    expect(await http().readResult("srv-kept.json")).not.toBeNull();
    expect(await http().readResult("srv-orphan.json")).toBeNull();
  });

  describe.skipIf(MOTO_SKIP_REASON !== null)(`in an S3 bucket (moto, an S3-protocol stand-in)${MOTO_SKIP_REASON === null ? "" : ` (skipped: ${MOTO_SKIP_REASON})`}`, () => {
    let moto: MotoServer | null = null;
    const saved: Record<string, string | undefined> = {};
    beforeAll(async () => {
      moto = await startMoto();
      await createBucket(moto, "prune-results");
      // The AWS SDK of this process reads its credentials from the environment.
      for (const [name, value] of Object.entries(moto.env)) {
        saved[name] = process.env[name];
        process.env[name] = value;
      }
    }, 300_000);
    afterAll(async () => {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      await moto?.stop();
    });

    it("deletes the objects no run refers to", async () => {
      const bucket = "s3://prune-results/team";
      const { S3ResultStore } = await import("../../src/sdk/results/s3-result-store.js");
      const store = new S3ResultStore(bucket);
      try {
        for (const key of ["s3-kept.json", "s3-orphan.json"]) await store.write(key, new TextEncoder().encode("{}"));
        await runReferring("s3-kept.json", store.url);
        expect(await prune(bucket, moto!.env)).toMatchObject({ store: store.url, deleted: ["s3-orphan.json"] });
        expect((await store.list()).map((item) => item.key)).toEqual(["s3-kept.json"]);
      } finally {
        await store.close();
      }
    });
  });
});
