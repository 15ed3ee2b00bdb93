import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { makeState } from "../../src/core/states.js";
import { markCrashedFlowRuns } from "../../src/orchestration/maintenance/mark-crashed-flow-runs.js";
import { openServiceTestBed, type ServiceTestBed } from "./service-test-kit.js";

const CHILD = fileURLToPath(new URL("./fixtures/heartbeat-child.ts", import.meta.url));

describe("crash detection", () => {
  let bed: ServiceTestBed;
  const children = new Set<ChildProcess>();
  beforeAll(async () => {
    bed = await openServiceTestBed(new Date().toISOString());
  });
  afterEach(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    children.clear();
  });
  afterAll(async () => bed?.close());

  async function runningRun(retries: number): Promise<string> {
    const { orchestration } = bed.opened[0]!;
    const run = await orchestration.createFlowRun({ flowName: "crash-prone", retryPolicy: { retries, retryDelaySeconds: [0] } });
    const result = await orchestration.setFlowRunState(run.id, { state: makeState("Running", { now: bed.clock.now() }) });
    expect(result.status).toBe("ACCEPT");
    return run.id;
  }

  /** Start a real process that heartbeats the run; resolves once its first heartbeat is stored. */
  async function startHeartbeating(flowRunId: string): Promise<ChildProcess> {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, bed.database.url, flowRunId], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on("data", (chunk: Buffer) => chunk.toString().includes("heartbeating") && resolve());
      child.once("exit", (code) => reject(new Error(`heartbeat child exited early (${code}): ${stderr}`)));
    });
    return child;
  }

  async function killAndSettle(child: ChildProcess): Promise<void> {
    child.kill("SIGKILL");
    await once(child, "exit");
    expect(child.signalCode).toBe("SIGKILL");
  }

  it("a run whose heartbeating process is SIGKILLed ends Crashed", async () => {
    const id = await runningRun(0);
    const child = await startHeartbeating(id);
    bed.clock.set(new Date());
    // Alive and heartbeating: nothing happens.
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([]);
    await killAndSettle(child);
    const { orchestration } = bed.opened[0]!;
    const beforeCrash = await orchestration.readFlowRun(id);
    expect(beforeCrash.heartbeatIntervalSeconds).toBe(1);
    const lastBeat = Date.parse(beforeCrash.heartbeatAt!);
    // Less than three missed 1-second heartbeats: still running.
    bed.clock.set(new Date(lastBeat + 2_500));
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([]);
    bed.clock.set(new Date(lastBeat + 3_500));
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([id]);
    const crashed = await orchestration.readFlowRun(id);
    expect(crashed.stateType).toBe("CRASHED");
    expect(crashed.state.message).toMatch(/no heartbeat for 4 s/);
    expect(crashed.endTime).toBe(new Date(lastBeat + 3_500).toISOString());
    // Idempotent: a second pass finds nothing.
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([]);
  }, 60_000);

  it("with retries left, the crashed run is scheduled again", async () => {
    const id = await runningRun(1);
    const child = await startHeartbeating(id);
    await killAndSettle(child);
    const { orchestration } = bed.opened[0]!;
    const lastBeat = Date.parse((await orchestration.readFlowRun(id)).heartbeatAt!);
    bed.clock.set(new Date(lastBeat + 10_000));
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([id]);
    const retried = await orchestration.readFlowRun(id);
    expect(retried.stateType).toBe("SCHEDULED");
    expect(retried.stateName).toBe("AwaitingRetry");
    const history = (await orchestration.readFlowRunStates(id)).map((state) => state.name);
    expect(history.slice(-2)).toEqual(["Crashed", "AwaitingRetry"]);
  }, 60_000);

  it("leaves alone runs that never promised heartbeats and runs that keep heartbeating", async () => {
    const { orchestration } = bed.opened[0]!;
    bed.clock.set(new Date());
    const quiet = await runningRun(0);
    const healthy = await runningRun(0);
    await orchestration.heartbeatFlowRun(healthy, { heartbeatIntervalSeconds: 5 });
    bed.clock.advance(12_000);
    await orchestration.heartbeatFlowRun(healthy, { heartbeatIntervalSeconds: 5 });
    bed.clock.advance(12_000);
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([]);
    expect((await orchestration.readFlowRun(quiet)).stateName).toBe("Running");
    // Three intervals after its last beat it is crashed.
    bed.clock.advance(4_000);
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([healthy]);
  });

  it("a Cancelling run whose process went silent ends Cancelled", async () => {
    const { orchestration } = bed.opened[0]!;
    bed.clock.set(new Date());
    const id = await runningRun(0);
    await orchestration.heartbeatFlowRun(id, { heartbeatIntervalSeconds: 2 });
    await orchestration.cancelFlowRun(id);
    expect((await orchestration.readFlowRun(id)).stateName).toBe("Cancelling");
    bed.clock.advance(5_000);
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([]);
    bed.clock.advance(2_000);
    expect(await markCrashedFlowRuns(bed.opened[0]!.context)).toEqual([id]);
    const run = await orchestration.readFlowRun(id);
    expect(run.stateName).toBe("Cancelled");
    expect(run.state.message).toMatch(/the process being cancelled is gone/);
  });
});
