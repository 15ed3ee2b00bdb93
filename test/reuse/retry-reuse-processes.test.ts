/**
 * Acceptance, with real processes: a three-task deployment whose second task fails runs on worker
 * A; after the cause is removed, `weir flow-run retry ID` is executed by worker B (another
 * WEIR_HOME, another working directory, as on another machine): only the second and third tasks
 * run again. `--from TASK` re-executes from that task; `--fresh` re-executes all.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { Deployment } from "../../src/core/models.js";
import { runCli } from "../cli/run-cli.js";
import { useTestServer } from "../helpers/test-server.js";
import { REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "../worker/worker-test-kit.js";

const { server } = useTestServer({ runServices: false });
let client: HttpClient;
let deployment: Deployment;
let scratch: string;
const processes: WeirProcess[] = [];

beforeAll(async () => {
  client = new HttpClient({ apiUrl: server.url });
  scratch = mkdtempSync(join(tmpdir(), "weir-reuse-"));
  deployment = await client.upsertDeployment({
    name: "retry-reuse",
    flowName: "reuse-pipeline",
    path: REPO_ROOT,
    entrypoint: "test/reuse/fixtures/retry-flows.ts:pipeline",
    workPoolName: "default",
  });
});

afterAll(async () => {
  await Promise.all(processes.map((child) => child.stop("SIGTERM", 5000)));
  await client?.close();
  rmSync(scratch, { recursive: true, force: true });
});

/** A "machine": a worker process with its own WEIR_HOME and working directory. */
function startMachineWorker(name: string): { worker: WeirProcess; env: NodeJS.ProcessEnv } {
  const home = join(scratch, name, "home");
  const cwd = join(scratch, name, "work");
  mkdirSync(home, { recursive: true });
  mkdirSync(cwd, { recursive: true });
  const env = serverEnv(server.url, home);
  const worker = startWeir(["worker", "start", "--pool", "default", "--name", name], env, false, cwd);
  processes.push(worker);
  return { worker, env };
}

async function finished(flowRunId: string, minRunCount: number) {
  return waitFor(async () => {
    const run = await client.readFlowRun(flowRunId);
    return run.runCount >= minRunCount && ["COMPLETED", "FAILED", "CRASHED", "CANCELLED"].includes(run.stateType) ? run : null;
  }, 90_000, `flow run attempt ${minRunCount} to finish`);
}

function marks(dir: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const line of readFileSync(join(dir, "marks.txt"), "utf8").split("\n").filter(Boolean)) counts[line] = (counts[line] ?? 0) + 1;
  return counts;
}

describe("retries reuse finished work across machines", () => {
  it("retry on another worker re-executes only the failed task and what follows; --from and --fresh", { timeout: 240_000 }, async () => {
    const dir = join(scratch, "data");
    mkdirSync(dir);
    const a = startMachineWorker("machine-a");
    const run = await client.createDeploymentFlowRun(deployment.id, { parameters: { dir } });
    expect((await finished(run.id, 1)).stateName).toBe("Failed");
    expect(marks(dir)).toEqual({ extract: 1, transform: 1 });
    await a.worker.stop();

    writeFileSync(join(dir, "cause-fixed.txt"), "10");
    const b = startMachineWorker("machine-b");
    const retried = await runCli(["flow-run", "retry", run.id], b.env, 30_000);
    expect(retried.code, retried.stderr).toBe(0);
    const second = await finished(run.id, 2);
    expect(second.stateName, b.worker.output()).toBe("Completed");
    expect(second.workerName).toBe("machine-b");
    expect(marks(dir)).toEqual({ extract: 1, transform: 2, load: 1 });
    const { items } = await client.listTaskRuns({ flowRunId: run.id, taskKey: "extract" });
    const reused = items.find((taskRun) => taskRun.stateName === "Cached");
    expect(reused?.state.message).toMatch(/^reused from attempt 1 /);

    const fromLoad = await runCli(["flow-run", "retry", run.id, "--from", "transform"], b.env, 30_000);
    expect(fromLoad.code, fromLoad.stderr).toBe(0);
    expect((await finished(run.id, 3)).stateName).toBe("Completed");
    expect(marks(dir)).toEqual({ extract: 1, transform: 3, load: 2 });

    const fresh = await runCli(["flow-run", "retry", run.id, "--fresh"], b.env, 30_000);
    expect(fresh.code, fresh.stderr).toBe(0);
    expect((await finished(run.id, 4)).stateName).toBe("Completed");
    expect(marks(dir)).toEqual({ extract: 2, transform: 4, load: 3 });

    const both = await runCli(["flow-run", "retry", run.id, "--fresh", "--from", "load"], b.env, 30_000);
    expect(both.code).not.toBe(0);
  });
});
