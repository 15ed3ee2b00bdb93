/**
 * Retention turned on from `weir server start` (a real child process): with `--retention-days`
 * (or WEIR_RETENTION_DAYS) a run that finished longer ago is deleted and a recent one is kept;
 * without either the retention service does not run; a bad value is one clear line and exit code 2 (usage).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { Clock } from "../../src/core/clock.js";
import { makeState } from "../../src/core/states.js";
import { WeirError } from "../../src/core/weir-error.js";
import { HttpClient } from "../../src/client/http-client.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import { compileStartServerOptions } from "../../src/server/start-server.js";
import { retentionOptions } from "../../src/cli/commands/server.js";
import { useTestDatabase } from "../helpers/test-database.js";

const BIN = fileURLToPath(new URL("../../bin/weir.js", import.meta.url));
const DAY_MS = 86_400_000;
const database = useTestDatabase();

/** A run that finished `daysAgo` days ago, written through the service layer with a clock set back. */
async function finishedRun(daysAgo: number): Promise<string> {
  const at = new Date(Date.now() - daysAgo * DAY_MS);
  const clock: Clock = { now: () => at };
  const opened = await openOrchestration({ databaseUrl: database.url, clock });
  try {
    await opened.orchestration.upsertFlow({ name: "kept-or-not" });
    const run = await opened.orchestration.createFlowRun({ flowName: "kept-or-not" });
    await opened.orchestration.setFlowRunState(run.id, { state: makeState("Running", { now: at }) });
    await opened.orchestration.setFlowRunState(run.id, { state: makeState("Completed", { now: at }) });
    return run.id;
  } finally {
    await opened.close();
  }
}

function startCli(args: string[], env: NodeJS.ProcessEnv = {}): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [BIN, "server", "start", "--port", "0", ...args], {
    env: { ...process.env, WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_FROM_SOURCE: "1", WEIR_API_KEY: "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const match = /Weir server ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`exited: ${output}`)));
  });
  url.catch(() => undefined);
  return { child, url, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

async function retentionTicks(url: string): Promise<number> {
  const body = await (await fetch(`${url}/metrics`)).text();
  const line = body.split("\n").find((text) => text.startsWith('weir_service_tick_duration_seconds_count{service="retention"}'));
  return line === undefined ? 0 : Number(line.split(" ").at(-1));
}

async function isGone(client: HttpClient, id: string): Promise<boolean> {
  try {
    await client.readFlowRun(id);
    return false;
  } catch (error) {
    if (error instanceof WeirError && error.code === "NOT_FOUND") return true;
    throw error;
  }
}

describe("retention settings of weir server start", () => {
  it("--retention-days deletes runs finished longer ago and keeps the rest", async () => {
    const old = await finishedRun(3);
    const recent = await finishedRun(1);
    const server = startCli(["--retention-days", "2", "--retention-interval-seconds", "0.2"]);
    const client = new HttpClient({ apiUrl: await server.url });
    try {
      const deadline = Date.now() + 10_000;
      while (!(await isGone(client, old)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await isGone(client, old), server.output()).toBe(true);
      expect((await client.readFlowRun(recent)).stateType).toBe("COMPLETED");
      // A pass every 0.2 s: several by now.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await retentionTicks(await server.url)).toBeGreaterThanOrEqual(2);
    } finally {
      await client.close();
      await stop(server.child);
    }
  }, 40_000);

  it("WEIR_RETENTION_DAYS turns it on too; without either it does not run", async () => {
    const recent = await finishedRun(1);
    const withEnv = startCli([], { WEIR_RETENTION_DAYS: "0.5", WEIR_RETENTION_INTERVAL_SECONDS: "0.2" });
    const client = new HttpClient({ apiUrl: await withEnv.url });
    try {
      const deadline = Date.now() + 10_000;
      while (!(await isGone(client, recent)) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await isGone(client, recent), withEnv.output()).toBe(true);
    } finally {
      await client.close();
      await stop(withEnv.child);
    }
    const kept = await finishedRun(400);
    const without = startCli([]);
    const other = new HttpClient({ apiUrl: await without.url });
    try {
      // The other services ticked at start; retention is not among them.
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(await retentionTicks(await without.url)).toBe(0);
      expect((await other.readFlowRun(kept)).stateType).toBe("COMPLETED");
    } finally {
      await other.close();
      await stop(without.child);
    }
  }, 40_000);

  it("refuses a bad value with one line and the usage exit code 2", async () => {
    const server = startCli(["--retention-days", "two"]);
    const code = await new Promise<number | null>((resolve) => server.child.on("exit", (exitCode) => resolve(exitCode)));
    expect(code).toBe(2);
    expect(server.output()).toMatch(/--retention-days: expected a number of days > 0, got 'two'/);
  }, 30_000);

  it("flags become services options; the environment fills what they leave out", () => {
    expect(retentionOptions({ retentionDays: "30", retentionIntervalSeconds: "600" })).toEqual({ retentionSeconds: 30 * 86_400, retentionIntervalSeconds: 600 });
    expect(retentionOptions({})).toEqual({});
    expect(() => retentionOptions({ retentionDays: "0" })).toThrow(/--retention-days/);
    const compiled = compileStartServerOptions({ databaseUrl: "sqlite:///tmp/x.db" }, { WEIR_RETENTION_DAYS: "7", WEIR_RETENTION_INTERVAL_SECONDS: "60" });
    expect([compiled.retentionSeconds, compiled.retentionIntervalSeconds]).toEqual([7 * 86_400, 60]);
    expect(() => compileStartServerOptions({ databaseUrl: "sqlite:///tmp/x.db" }, { WEIR_RETENTION_INTERVAL_SECONDS: "-1" })).toThrow(/WEIR_RETENTION_INTERVAL_SECONDS/);
  });
});
