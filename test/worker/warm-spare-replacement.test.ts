/**
 * When a worker replaces a taken warm spare (src/worker/warm-spare.ts), with real processes: a
 * spare taken while another still waits is replaced once its run's process exits, not while the
 * run is starting (a spare's boot would share the run's cores); the last spare taken is replaced
 * at once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, describe, expect, it } from "vitest";
import { startWarmSpares, type WarmSpares } from "../../src/worker/warm-spare.js";
import type { FlowRunProcessRequest } from "../../src/worker/flow-run-process.js";
import { waitFor } from "./worker-test-kit.js";

// A stand-in run process: reads its request, then lives for the request's HOLD_MS.
const STAND_IN = `let text = ""; process.stdin.on("data", (chunk) => (text += chunk)); process.stdin.on("end", () => setTimeout(() => undefined, Number(JSON.parse(text).env.HOLD_MS)));`;

let spares: WarmSpares | null = null;
const started: ChildProcess[] = [];

afterEach(() => {
  spares?.close();
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  started.length = 0;
});

function startSpares(): WarmSpares {
  const spawnStandIn = (): ChildProcess => {
    const child = spawn(process.execPath, ["-e", STAND_IN], { stdio: ["pipe", "ignore", "ignore"] });
    started.push(child);
    return child;
  };
  spares = startWarmSpares(spawnStandIn, 2, { cwd: process.cwd(), env: {} }, (error) => {
    throw error;
  });
  return spares;
}

function request(flowRunId: string, holdMs: number): FlowRunProcessRequest {
  return { flowRunId, cwd: process.cwd(), env: { HOLD_MS: String(holdMs) } };
}

const exited = (child: ChildProcess): Promise<unknown> => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)));

describe("replacing a taken warm spare", () => {
  it("waits for the run's process to exit while another spare waits; replaces the last one at once", async () => {
    const pool = startSpares();
    expect(started).toHaveLength(2);

    const first = pool.take(request("first", 600))!;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toHaveLength(2);
    await exited(first);
    await waitFor(async () => started.length === 3, 5000, "the replacement once the run's process exited");

    const second = pool.take(request("second", 3000))!;
    expect(second).not.toBeNull();
    const third = pool.take(request("third", 3000))!;
    expect(third).not.toBeNull();
    // None left waiting: one replacement at once, the other once its run ends.
    await waitFor(async () => started.length === 4, 2000, "an immediate replacement of the last spare taken");
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(started).toHaveLength(4);
  });
});
