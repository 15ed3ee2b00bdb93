// A failing task or flow explains itself: exception, retry and final-state lines in
// `weir flow-run logs`, the error with its stack and each attempt in `weir flow-run inspect`,
// which also take a run's name. Real CLI processes on the engine WEIR_TEST_DB names.
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowRun } from "../../src/core/models.js";
import type { State } from "../../src/core/states.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { runCli, useCliEnv } from "./run-cli.js";

const FIXTURE = "test/cli/fixtures/typed-and-flaky.ts";
const { database, client } = useTestOrchestration();
const env = useCliEnv(database);

async function runFlow(name: string): Promise<{ run: FlowRun; stderr: string; code: number | null }> {
  const result = await runCli(["run", `${FIXTURE}:${name}`, "--json"], env);
  return { run: JSON.parse(result.stdout) as FlowRun, stderr: result.stderr, code: result.code };
}

describe("failures explain themselves", { timeout: 120_000 }, () => {
  let flaky: FlowRun;
  let hopeless: FlowRun;
  let hopelessStderr = "";

  beforeAll(async () => {
    const first = await runFlow("flaky");
    expect(first.code).toBe(0);
    flaky = first.run;
    const second = await runFlow("hopeless");
    expect(second.code).toBe(1);
    hopeless = second.run;
    hopelessStderr = second.stderr;
  }, 120_000);

  it("leaves the exception and retry lines of a failing-then-retried task in flow-run logs", async () => {
    const result = await runCli(["flow-run", "logs", flaky.id], env);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/\| ERROR +\| weir\.task_runs - Encountered exception during execution: Error: boom 1\n\s+at .*typed-and-flaky\.ts:\d+:\d+/);
    expect(text).toMatch(/\| INFO +\| weir\.task_runs - Retrying task 'flaky-step' \(attempt 2 of 4\) in 0 s/);
    expect(text).toContain("Encountered exception during execution: Error: boom 2");
    expect(text).toContain("Retrying task 'flaky-step' (attempt 3 of 4) in 0 s");
    expect(text).toMatch(/\| INFO +\| weir\.task_runs - Finished in state Completed\(\)/);
    expect(text).toMatch(/\| INFO +\| weir\.flow_runs - Finished in state Completed\(\)/);
    expect(text.indexOf("boom 1")).toBeLessThan(text.indexOf("attempt 2 of 4"));
    expect(text.indexOf("attempt 2 of 4")).toBeLessThan(text.indexOf("boom 2"));
  });

  it("stores the lines of a failed run on its task run and flow run, and prints them", async () => {
    const logs = (await client.readLogs({ flowRunId: hopeless.id }));
    const taskLines = logs.filter((log) => log.taskRunId !== null).map((log) => `${log.level} ${log.message.split("\n")[0]}`);
    expect(taskLines).toEqual([
      "ERROR Encountered exception during execution: Error: the valve is stuck",
      "INFO Retrying task 'hopeless-step' (attempt 2 of 2) in 0 s",
      "ERROR Encountered exception during execution: Error: the valve is stuck",
      "ERROR Finished in state Failed('the valve is stuck')",
    ]);
    const flowLines = logs.filter((log) => log.taskRunId === null).map((log) => `${log.level} ${log.message.split("\n")[0]}`);
    expect(flowLines).toEqual(["ERROR Encountered exception during execution: Error: the valve is stuck", "ERROR Finished in state Failed('the valve is stuck')"]);
    expect(hopelessStderr).toMatch(/\| ERROR +\| Task run 'hopeless-step-0' - Encountered exception during execution: Error: the valve is stuck\n\s+at /);
    expect(hopelessStderr).toMatch(/\| ERROR +\| Flow run '[^']+' - Finished in state Failed\('the valve is stuck'\)/);
  });

  it("shows the error, its stack and each attempt in flow-run inspect, by the run's name", async () => {
    const result = await runCli(["flow-run", "inspect", hopeless.name], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toContain(hopeless.id);
    expect(text).toMatch(/Error\nError: the valve is stuck\n\s+at .*typed-and-flaky\.ts:\d+:\d+/);
    expect(text).toContain("Task run attempts");
    expect(text).toContain("Task run 'hopeless-step-0' (Failed, 2 runs)");
    expect(text).toMatch(/AwaitingRetry\s+retry 1 of 1 in 0 s: Error: the valve is stuck/);
    expect(text).toMatch(/Retrying\s*\n.*Failed\s+Error: the valve is stuck/);

    const json = await runCli(["flow-run", "inspect", hopeless.name, "--json"], env);
    const inspected = JSON.parse(json.stdout) as FlowRun & { taskRuns: Array<{ stateHistory?: State[] }> };
    expect(inspected.state.error?.stack).toMatch(/typed-and-flaky\.ts/);
    expect(inspected.taskRuns[0]?.stateHistory?.map((state) => state.name)).toEqual(["Running", "AwaitingRetry", "Retrying", "Failed"]);
  });

  it("takes a run's name in logs too, and lists the candidates of a shared name", async () => {
    const logs = await runCli(["flow-run", "logs", flaky.name], env);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain("Retrying task 'flaky-step'");

    const twins = await Promise.all([1, 2].map(() => client.createFlowRun({ flowName: "flaky", name: "twin-otter-7" })));
    const shared = await runCli(["flow-run", "inspect", "twin-otter-7"], env);
    expect(shared.code).toBe(1);
    expect(shared.stderr.trim()).toMatch(/^Error: flow run name 'twin-otter-7' is shared by 2 runs; give one of their ids: /);
    for (const twin of twins) expect(shared.stderr).toContain(twin.id);

    const unknown = await runCli(["flow-run", "inspect", "no-such-run-1"], env);
    expect(unknown.stderr.trim()).toBe("Error: flow run 'no-such-run-1' not found");
  });
});
