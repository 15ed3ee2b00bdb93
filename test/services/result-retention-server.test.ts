/**
 * Retention of results through a real server (HTTP, the database WEIR_TEST_DB names) whose
 * retention service runs on an injected clock: flows run by the SDK in this process store their
 * task results in the `server` store, a later flow takes one of them from the cache, and as the
 * clock moves the service deletes each run with the results only it referred to, then the cached
 * result with the last run that took it; an upload no run ever recorded goes once it is old.
 * Also: `WEIR_RETENTION_DAYS` turns the service on for `weir server start`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { compileStartServerOptions } from "../../src/server/start-server.js";
import { flow, task } from "../../src/index.js";
import { flushAll, setClient } from "../../src/sdk/client-provider.js";
import { setEngineEffects } from "../../src/sdk/engine-effects.js";
import { useTestServer } from "../helpers/test-server.js";
import { manualClock } from "./service-test-kit.js";

const DAY_MS = 86_400_000;
const clock = manualClock("2026-07-01T00:00:00Z");
const { server } = useTestServer({
  clock,
  runServices: true,
  servicesOptions: {
    retentionSeconds: 7 * 86_400,
    retentionIntervalSeconds: 0.05,
    enabled: { scheduler: false, "late-runs": false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false },
  },
});

let client: HttpClient;
let restoreEffects: () => void = () => undefined;
const previousQuiet = process.env.WEIR_LOGGING_QUIET;
beforeAll(() => {
  client = new HttpClient({ apiUrl: server.url, retries: 0 });
  setClient(client);
  restoreEffects = setEngineEffects({ clock });
  process.env.WEIR_LOGGING_QUIET = "1";
});
afterAll(async () => {
  await flushAll();
  setClient(null);
  restoreEffects();
  if (previousQuiet === undefined) delete process.env.WEIR_LOGGING_QUIET;
  else process.env.WEIR_LOGGING_QUIET = previousQuiet;
  await client.close();
});

const bodies: string[] = [];
const compute = task({ name: "compute", persistResult: true, resultStorage: "server" }, async (n: number) => {
  bodies.push(`compute ${n}`);
  return { n, rows: Array.from({ length: 50 }, (_, index) => index * n) };
});
const lookup = task({ name: "lookup", cache: { policy: "inputs" }, resultStorage: "server" }, async (table: string) => {
  bodies.push(`lookup ${table}`);
  return { table, size: 1024 };
});
const pipeline = flow({ name: "retained-pipeline" }, async ({ n }: { n: number }) => {
  await compute(n);
  await lookup("customers");
  return n;
});

async function storedKeys(): Promise<string[]> {
  return (await client.listResults({ limit: 1000 })).items.map((item) => item.key).sort();
}

async function resultKeyOf(flowRunId: string, taskKeyPart: string): Promise<string> {
  const runs = (await client.listTaskRuns({ flowRunId })).items.filter((run) => run.taskKey.includes(taskKeyPart));
  expect(runs).toHaveLength(1);
  const result = runs[0]!.state.result;
  if (result?.kind !== "stored") throw new Error(`task ${taskKeyPart} has no stored result`);
  return result.storageKey;
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function runPipeline(n: number): Promise<string> {
  await pipeline({ n });
  await flushAll();
  const runs = (await client.listFlowRuns({ flowNames: ["retained-pipeline"] })).items;
  return runs.find((run) => run.parameters.n === n)!.id;
}

describe("the server's retention service", () => {
  it("deletes results with the runs that refer to them, a cached one with the last run that took it, and old unrecorded uploads", async () => {
    await client.putResult("never-recorded.bin", new Uint8Array([1, 2, 3]));
    const first = await runPipeline(1);
    const computed1 = await resultKeyOf(first, "compute");
    const cached = await resultKeyOf(first, "lookup");

    clock.advance(5 * DAY_MS);
    const second = await runPipeline(2);
    expect(bodies).toEqual(["compute 1", "lookup customers", "compute 2"]);
    expect((await client.listTaskRuns({ flowRunId: second })).items.map((run) => run.stateName).sort()).toEqual(["Cached", "Completed"]);
    expect(await resultKeyOf(second, "lookup")).toBe(cached);
    const computed2 = await resultKeyOf(second, "compute");
    expect(await storedKeys()).toEqual([computed1, computed2, cached, "never-recorded.bin"].sort());

    // Day 8: the first run (and the upload) are past 7 days; the second, which took the cached result, is not.
    clock.advance(3 * DAY_MS);
    await eventually("the first run and its own results to go", async () => (await storedKeys()).length === 2);
    expect(await storedKeys()).toEqual([computed2, cached].sort());
    await expect(client.readFlowRun(first)).rejects.toMatchObject({ code: "NOT_FOUND" });
    expect((await client.readFlowRun(second)).stateName).toBe("Completed");

    // Day 13: the second run goes, and with it the last reference to the cached result.
    clock.advance(5 * DAY_MS);
    await eventually("every result to go", async () => (await storedKeys()).length === 0);
    await expect(client.readFlowRun(second)).rejects.toMatchObject({ code: "NOT_FOUND" });
  }, 60_000);
});

describe("WEIR_RETENTION_DAYS", () => {
  it("sets the retention age of `weir server start` (off when unset) and refuses what is not a positive number", () => {
    expect(compileStartServerOptions({}, {}).retentionSeconds).toBeNull();
    expect(compileStartServerOptions({}, { WEIR_RETENTION_DAYS: "30" }).retentionSeconds).toBe(30 * 86_400);
    expect(compileStartServerOptions({}, { WEIR_RETENTION_DAYS: "0.5" }).retentionSeconds).toBe(43_200);
    for (const bad of ["0", "-1", "a week"]) {
      expect(() => compileStartServerOptions({}, { WEIR_RETENTION_DAYS: bad })).toThrow(/WEIR_RETENTION_DAYS: expected a number of days > 0/);
    }
  });
});
