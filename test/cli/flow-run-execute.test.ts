// `weir flow-run execute` (what worker child processes run), `cancel` and `ls --deployment`,
// over deployment runs made through the in-process client on the same database.
import { describe, expect, it } from "vitest";
import type { FlowRun, LogRecord } from "../../src/core/models.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { REPO_ROOT, runCli, useCliEnv } from "./run-cli.js";

const { database, client } = useTestOrchestration();
const env = useCliEnv(database);

async function deploymentRun(name: string, entrypoint: string, parameters: Record<string, unknown> = {}): Promise<FlowRun> {
  const flowName = entrypoint.split(":")[1] ?? name;
  const deployment = await client.upsertDeployment({ name, flowName, entrypoint, path: REPO_ROOT, parameters });
  return client.createDeploymentFlowRun(deployment.id);
}

describe("weir flow-run execute", { timeout: 120_000 }, () => {
  it("loads the deployment's entrypoint, runs the flow to Completed and exits 0", async () => {
    const run = await deploymentRun("cli-greeting", "test/cli/fixtures/greeting.ts:greeting", { name: "Worker" });
    const result = await runCli(["flow-run", "execute", run.id], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const after = await client.readFlowRun(run.id);
    expect(after.stateType).toBe("COMPLETED");
    const logs: LogRecord[] = await client.readLogs({ flowRunId: run.id });
    expect(logs.map((log) => log.message)).toEqual(expect.arrayContaining(["Hello, world!", "my name is, Worker!"]));
    const taskRuns = await client.listTaskRuns({ flowRunId: run.id });
    expect(taskRuns.items.map((taskRun) => taskRun.stateType)).toEqual(["COMPLETED", "COMPLETED"]);

    const listed = await runCli(["flow-run", "ls", "--deployment", "greeting/cli-greeting", "--json"], env);
    expect((JSON.parse(listed.stdout) as FlowRun[]).map((listedRun) => listedRun.id)).toEqual([run.id]);
  });

  it("exits 1 when the flow fails", async () => {
    const run = await deploymentRun("cli-broken", "test/cli/fixtures/greeting.ts:broken");
    const result = await runCli(["flow-run", "execute", run.id], env);
    expect(result.code).toBe(1);
    expect((await client.readFlowRun(run.id)).stateType).toBe("FAILED");
  });

  it("marks the run Crashed when its entrypoint cannot be loaded", async () => {
    const run = await deploymentRun("cli-missing", "test/cli/fixtures/greeting.ts:nowhere");
    const result = await runCli(["flow-run", "execute", run.id], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Error: .*nowhere/);
    const after = await client.readFlowRun(run.id);
    expect(after.stateName).toBe("Crashed");
    expect(after.state.message).toMatch(/could not load the flow/);
  });
});

describe("weir flow-run cancel", { timeout: 120_000 }, () => {
  it("cancels a scheduled run", async () => {
    const run = await deploymentRun("cli-cancel", "test/cli/fixtures/greeting.ts:greeting", { name: "Never" });
    expect(run.stateType).toBe("SCHEDULED");
    const result = await runCli(["flow-run", "cancel", run.id], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/is Cancelled/);
    expect((await client.readFlowRun(run.id)).stateType).toBe("CANCELLED");
  });
});
