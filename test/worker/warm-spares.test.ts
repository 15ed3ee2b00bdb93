/**
 * Warm spares (src/worker/warm-spare.ts) with real processes: a worker keeps run processes
 * started ahead; each run still gets a process of its own, in the deployment's directory with its
 * job variables; a run whose job variables change Node's start-up options (NODE_OPTIONS) gets a
 * cold process that honours them; stopping the worker leaves no spare behind; a line the SDK
 * records is not stored a second time from the process's stderr.
 */
import { execFileSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { startWorker } from "../../src/worker/start-worker.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { REPO_ROOT, waitFor } from "./worker-test-kit.js";

let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;

beforeAll(async () => {
  database = await createTestDatabase();
  // The tuned deployment sets NODE_OPTIONS, which a server without a key accepts only when told to.
  server = await startServer({ port: 0, databaseUrl: database.url, uiDir: null, log: () => undefined, runServices: false, allowsProcessEnv: true });
  client = new HttpClient({ apiUrl: server.url });
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await database?.dispose();
});

/** Command lines of this process's children that are waiting spares. */
function waitingSpares(): string[] {
  const out = execFileSync("ps", ["-o", "args=", "--ppid", String(process.pid)], { encoding: "utf8" });
  return out.split("\n").filter((line) => line.includes("flow-run execute --wait"));
}

async function whoamiLine(flowRunId: string): Promise<Record<string, string>> {
  const logs = await client.readLogs({ flowRunId });
  // Recorded by the SDK once; the worker's copy of stderr (logger weir.worker) must not repeat it.
  expect(logs.filter((log) => log.message.includes("whoami also wrote to stderr")).map((log) => log.name)).toEqual(["weir.flow_runs"]);
  const line = logs.map((log) => log.message).find((message) => message.startsWith("whoami "));
  if (line === undefined) throw new Error(`run ${flowRunId} printed no whoami line`);
  return Object.fromEntries(line.slice("whoami ".length).split(" ").map((pair) => pair.split("=") as [string, string]));
}

describe("warm spare run processes", () => {
  it("gives each run its own process, its directory and job variables; NODE_OPTIONS gets a cold start; stop leaves none", { timeout: 120_000 }, async () => {
    const fixtures = `${REPO_ROOT}test/worker/fixtures`;
    const plain = await client.upsertDeployment({ name: "spare-plain", flowName: "whoami", entrypoint: "worker-flows.ts:whoami", path: fixtures, workQueueName: "spares", jobVariables: { WEIR_TEST_JOB_VARIABLE: "from-the-deployment" } });
    const tuned = await client.upsertDeployment({ name: "spare-tuned", flowName: "whoami", entrypoint: "worker-flows.ts:whoami", path: fixtures, workQueueName: "spares", jobVariables: { NODE_OPTIONS: "--max-old-space-size=256" } });
    const stop = new AbortController();
    const worker = await startWorker({ client, workQueueNames: ["spares"], limit: 2, pollIntervalMs: 500, apiUrl: server.url, env: { WEIR_FROM_SOURCE: "1" }, signal: stop.signal });
    try {
      await waitFor(async () => waitingSpares().length === 2, 30_000, "two waiting spares");
      const pids = new Set<string>();
      for (let i = 0; i < 3; i++) {
        const run = await client.createDeploymentFlowRun(plain.id);
        await waitFor(async () => (await client.readFlowRun(run.id)).stateType === "COMPLETED", 60_000, `run ${i} to complete`);
        const seen = await whoamiLine(run.id);
        expect(seen.cwd).toBe(fixtures);
        expect(seen.var).toBe("from-the-deployment");
        expect(Number(seen.heapMb)).toBeGreaterThan(1024);
        pids.add(seen.pid ?? "");
      }
      expect(pids.size).toBe(3);
      expect(pids.has(String(process.pid))).toBe(false);

      const run = await client.createDeploymentFlowRun(tuned.id);
      await waitFor(async () => (await client.readFlowRun(run.id)).stateType === "COMPLETED", 60_000, "the NODE_OPTIONS run to complete");
      const seen = await whoamiLine(run.id);
      expect(Number(seen.heapMb)).toBeLessThan(512);
      expect(seen.var).toBe("-");
      await waitFor(async () => waitingSpares().length === 2, 30_000, "the spares to be replaced");
    } finally {
      stop.abort();
      await worker.stopped;
    }
    await waitFor(async () => waitingSpares().length === 0, 10_000, "no spare left after stop");
  });
});
