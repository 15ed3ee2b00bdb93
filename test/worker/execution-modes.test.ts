/**
 * Execution modes of a worker (src/worker/start-worker.ts) with real processes and a real server:
 * `pooled` runs many runs in few long-lived processes, exactly once each, recycling a process after
 * `maxRunsPerProcess`; a run that takes its pooled process down ends Crashed and the next run still
 * runs; cancelling a pooled run stops it (and its process is replaced); a changed entrypoint file is
 * loaded again; `inline` runs in the worker's own process; a deployment's `execution` is stored,
 * checked, and wins over the worker's default.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { FlowRun } from "../../src/core/models.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { startWorker, type RunningWorker } from "../../src/worker/start-worker.js";
import type { WorkerOptions } from "../../src/worker/worker-options.js";
import { executeInline } from "../../src/cli/flow-runs/inline-executor.js";
import { parseDeploymentFile } from "../../src/sdk/deployment-file.js";
import { compileWorkerOptions } from "../../src/worker/worker-options.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { REPO_ROOT, waitFor } from "./worker-test-kit.js";

let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;
let flowsDir: string;
const fixtures = `${REPO_ROOT}test/worker/fixtures`;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ port: 0, databaseUrl: database.url, uiDir: null, log: () => undefined, runServices: false });
  client = new HttpClient({ apiUrl: server.url });
  flowsDir = mkdtempSync(join(tmpdir(), "weir-execution-"));
  writeFileSync(join(flowsDir, "package.json"), '{ "type": "module" }\n');
  writeFileSync(
    join(flowsDir, "crashing.ts"),
    `import { flow } from "${REPO_ROOT}src/index.js";\nexport const crasher = flow({ name: "crasher" }, async () => { process.exit(3); });\n`,
  );
  writeVersioned(1);
});

afterAll(async () => {
  await client?.close();
  await server?.close();
  await database?.dispose();
  if (flowsDir) rmSync(flowsDir, { recursive: true, force: true });
});

function writeVersioned(version: number): void {
  const file = join(flowsDir, "versioned.ts");
  writeFileSync(file, `import { flow } from "${REPO_ROOT}src/index.js";\nexport const versioned = flow({ name: "versioned" }, async () => { console.log("version=${version} pid=" + process.pid); return ${version}; });\n`);
  // Two writes within one clock tick must still look changed.
  const at = new Date(Date.now() + version * 1000);
  utimesSync(file, at, at);
}

async function withWorker<T>(queue: string, options: Partial<WorkerOptions>, body: (worker: RunningWorker) => Promise<T>): Promise<T> {
  const stop = new AbortController();
  const worker = await startWorker({ client, workQueueNames: [queue], pollIntervalMs: 200, apiUrl: server.url, env: { WEIR_FROM_SOURCE: "1" }, killGraceMs: 5000, inlineExecutor: executeInline, signal: stop.signal, ...options });
  try {
    return await body(worker);
  } finally {
    stop.abort();
    await worker.stopped;
  }
}

const TERMINAL = ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"];
async function settled(id: string, timeoutMs = 60_000): Promise<FlowRun> {
  return waitFor(async () => {
    const run = await client.readFlowRun(id);
    return TERMINAL.includes(run.stateType) ? run : null;
  }, timeoutMs, `run ${id} to end`);
}

// A pooled run's logs reach the store with its worker's next batch (every 200 ms), so shortly
// after the run ended: read until the line is there, for up to 5 s.
async function printed(id: string, prefix: string): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const logs = await client.readLogs({ flowRunId: id });
    const line = logs.map((log) => log.message).find((message) => message.startsWith(prefix));
    if (line !== undefined) return line;
    if (Date.now() > deadline) throw new Error(`run ${id} printed no '${prefix}' line (logs: ${logs.map((log) => log.message).join(" | ")})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("pooled execution", () => {
  it("runs 50 runs exactly once each in few processes, recycled after maxRunsPerProcess", { timeout: 240_000 }, async () => {
    const deployment = await client.upsertDeployment({ name: "pooled-quick", flowName: "quick", entrypoint: "worker-flows.ts:quick", path: fixtures, workQueueName: "pooled" });
    const ids: string[] = [];
    for (let index = 0; index < 50; index++) ids.push((await client.createDeploymentFlowRun(deployment.id, { parameters: { index } })).id);
    await withWorker("pooled", { execution: "pooled", limit: 2, maxRunsPerProcess: 10 }, async () => {
      await waitFor(async () => (await client.countFlowRuns({ deploymentIds: [deployment.id], stateTypes: ["COMPLETED", "FAILED", "CRASHED"] })) === 50, 200_000, "50 runs to end");
    });
    const runsPerProcess = new Map<string, number>();
    for (const id of ids) {
      const [run, states] = await Promise.all([client.readFlowRun(id), client.readFlowRunStates(id)]);
      expect(run.stateName).toBe("Completed");
      expect(run.runCount).toBe(1);
      expect(states.filter((state) => state.name === "Running")).toHaveLength(1);
      expect(states.filter((state) => state.name === "Pending")).toHaveLength(1);
      expect(run.infrastructurePid).not.toBe(`${hostname()}:${process.pid}`);
      runsPerProcess.set(run.infrastructurePid ?? "?", (runsPerProcess.get(run.infrastructurePid ?? "?") ?? 0) + 1);
    }
    expect(runsPerProcess.has("?")).toBe(false);
    // Fewer processes than runs, and none ran more than 10 runs: 50 runs take at least 5.
    expect(runsPerProcess.size).toBeLessThan(50);
    expect(runsPerProcess.size).toBeGreaterThanOrEqual(5);
    expect(Math.max(...runsPerProcess.values())).toBeLessThanOrEqual(10);
  });

  it("ends Crashed a run that takes its process down; the next run still runs", { timeout: 120_000 }, async () => {
    const crashing = await client.upsertDeployment({ name: "pooled-crash", flowName: "crasher", entrypoint: "crashing.ts:crasher", path: flowsDir, workQueueName: "crash" });
    const quick = await client.upsertDeployment({ name: "pooled-after-crash", flowName: "quick", entrypoint: "worker-flows.ts:quick", path: fixtures, workQueueName: "crash" });
    await withWorker("crash", { execution: "pooled", limit: 1 }, async () => {
      const crash = await client.createDeploymentFlowRun(crashing.id);
      const ended = await settled(crash.id);
      expect(ended.stateName).toBe("Crashed");
      expect(ended.state?.message).toMatch(/exited with code 3/);
      const next = await client.createDeploymentFlowRun(quick.id, { parameters: { index: 7 } });
      expect((await settled(next.id)).stateName).toBe("Completed");
    });
  });

  it("cancels a pooled run; the pool carries on with another process", { timeout: 120_000 }, async () => {
    const sleeper = await client.upsertDeployment({ name: "pooled-sleeper", flowName: "sleeper", entrypoint: "worker-flows.ts:sleeper", path: fixtures, workQueueName: "cancel" });
    await withWorker("cancel", { execution: "pooled", limit: 1 }, async () => {
      const run = await client.createDeploymentFlowRun(sleeper.id, { parameters: { seconds: 60 } });
      await waitFor(async () => (await client.readFlowRun(run.id)).stateType === "RUNNING", 60_000, "the sleeper to run");
      const started = Date.now();
      await client.cancelFlowRun(run.id);
      const ended = await settled(run.id, 30_000);
      expect(ended.stateName).toBe("Cancelled");
      expect(Date.now() - started).toBeLessThan(20_000);
      const next = await client.createDeploymentFlowRun(sleeper.id, { parameters: { seconds: 0 } });
      const done = await settled(next.id);
      expect(done.stateName).toBe("Completed");
      expect(done.infrastructurePid).not.toBe(ended.infrastructurePid);
    });
  });

  it("loads a changed entrypoint file again, in pooled and in inline execution", { timeout: 120_000 }, async () => {
    for (const execution of ["pooled", "inline"] as const) {
      const deployment = await client.upsertDeployment({ name: `versioned-${execution}`, flowName: "versioned", entrypoint: "versioned.ts:versioned", path: flowsDir, workQueueName: `versioned-${execution}` });
      writeVersioned(1);
      await withWorker(`versioned-${execution}`, { execution, limit: 1 }, async () => {
        const first = await client.createDeploymentFlowRun(deployment.id);
        expect((await settled(first.id)).stateName).toBe("Completed");
        expect(await printed(first.id, "version=")).toMatch(/^version=1 /);
        writeVersioned(2);
        const second = await client.createDeploymentFlowRun(deployment.id);
        expect((await settled(second.id)).stateName).toBe("Completed");
        expect(await printed(second.id, "version=")).toMatch(/^version=2 /);
        const third = await client.createDeploymentFlowRun(deployment.id);
        expect((await settled(third.id)).stateName).toBe("Completed");
        expect(await printed(third.id, "version=")).toMatch(/^version=2 /);
      });
    }
  });
});

describe("inline execution and a deployment's execution", () => {
  it("runs inline in the worker's own process", { timeout: 60_000 }, async () => {
    const deployment = await client.upsertDeployment({ name: "inline-quick", flowName: "quick", entrypoint: "worker-flows.ts:quick", path: fixtures, workQueueName: "inline" });
    await withWorker("inline", { execution: "inline", limit: 2 }, async () => {
      const runs = await Promise.all([1, 2, 3].map((index) => client.createDeploymentFlowRun(deployment.id, { parameters: { index } })));
      for (const run of runs) {
        const ended = await settled(run.id);
        expect(ended.stateName).toBe("Completed");
        expect(ended.infrastructurePid).toBe(`${hostname()}:${process.pid}`);
      }
    });
  });

  it("stores a deployment's execution, refuses an unknown one, and lets it win over the worker's", { timeout: 120_000 }, async () => {
    const deployment = await client.upsertDeployment({ name: "deployment-pooled", flowName: "quick", entrypoint: "worker-flows.ts:quick", path: fixtures, workQueueName: "own-mode", execution: "pooled" });
    expect((await client.readDeployment(deployment.id)).execution).toBe("pooled");
    await expect(client.upsertDeployment({ name: "bad", flowName: "quick", entrypoint: "worker-flows.ts:quick", execution: "threads" as never })).rejects.toThrow(/execution/);
    await expect(client.updateDeployment(deployment.id, { execution: "fork" as never })).rejects.toThrow(/execution/);
    // Asked for inline on a worker that does not allow it: pooled, not in the worker's process.
    const inlineAsked = await client.upsertDeployment({ name: "deployment-inline", flowName: "quick", entrypoint: "worker-flows.ts:quick", path: fixtures, workQueueName: "own-mode", execution: "inline" });
    await withWorker("own-mode", { execution: "process", warmSpares: 0, limit: 1 }, async () => {
      const pids = new Set<string>();
      for (let index = 0; index < 3; index++) {
        const ended = await settled((await client.createDeploymentFlowRun(deployment.id, { parameters: { index } })).id);
        expect(ended.stateName).toBe("Completed");
        pids.add(ended.infrastructurePid ?? "?");
      }
      // Pooled: one process ran the three runs.
      expect(pids.size).toBe(1);
      const ended = await settled((await client.createDeploymentFlowRun(inlineAsked.id, { parameters: { index: 9 } })).id);
      expect(ended.stateName).toBe("Completed");
      expect(ended.infrastructurePid).not.toBe(`${hostname()}:${process.pid}`);
    });
    const cleared = await client.updateDeployment(deployment.id, { execution: null });
    expect(cleared.execution).toBeNull();
  });
});

describe("execution settings", () => {
  it("reads `execution` from weir.yaml and names a wrong one with its line", () => {
    const [entry] = parseDeploymentFile("deployments:\n  - name: a\n    entrypoint: flows.ts:a\n    execution: pooled\n", "/tmp");
    expect(entry?.execution).toBe("pooled");
    expect(parseDeploymentFile("deployments:\n  - name: a\n    entrypoint: flows.ts:a\n", "/tmp")[0]?.execution).toBeNull();
    expect(() => parseDeploymentFile("deployments:\n  - name: a\n    entrypoint: flows.ts:a\n    execution: threads\n", "/tmp")).toThrow(
      /deployments\.0\.execution \(line 4\): must be one of process, pooled, inline/,
    );
  });

  it("checks the worker's execution options and fills their defaults", () => {
    const client = {} as HttpClient;
    expect(() => compileWorkerOptions({ client, execution: "threads" as never })).toThrow(/execution/);
    expect(() => compileWorkerOptions({ client, execution: "pooled", limit: 2, poolSize: 3 })).toThrow(/poolSize/);
    expect(() => compileWorkerOptions({ client, execution: "inline" })).toThrow(/inlineExecutor/);
    const pooled = compileWorkerOptions({ client, execution: "pooled", limit: 3 });
    expect(pooled).toMatchObject({ poolSize: 3, warmSpares: 0, maxRunsPerProcess: 1000, maxProcessMemoryMb: 1024, allowInline: false });
    expect(compileWorkerOptions({ client })).toMatchObject({ execution: "process", poolSize: 0, warmSpares: 2 });
    expect(compileWorkerOptions({ client, execution: "inline", inlineExecutor: executeInline }).allowInline).toBe(true);
  });
});
