// `weir run` and `weir flow-run …` as real child processes, on the engine WEIR_TEST_DB names.
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowRun, LogRecord, TaskRun } from "../../src/core/models.js";
import type { State } from "../../src/core/states.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { REPO_ROOT, runCli, runProcess, useCliEnv } from "./run-cli.js";

const FIXTURE = "test/cli/fixtures/greeting.ts";
type InspectJson = FlowRun & { taskRuns: TaskRun[]; stateHistory: State[] };

const database = useTestDatabase();
const env = useCliEnv(database);

const flowRunIdIn = (text: string): string => {
  const match = /\(([0-9a-f-]{36})\)/.exec(text);
  if (!match?.[1]) throw new Error(`no flow run id in: ${text}`);
  return match[1];
};

describe("weir run", { timeout: 120_000 }, () => {
  let greetingRunId: string;

  beforeAll(async () => {
    const result = await runCli(["run", `${FIXTURE}:greeting`, "--param", "name=Navin"], env);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/finished in state Completed/);
    greetingRunId = flowRunIdIn(result.stdout);
  }, 120_000);

  it("records the run, both task runs and their states for flow-run inspect --json", async () => {
    const result = await runCli(["flow-run", "inspect", greetingRunId, "--json"], env);
    expect(result.code).toBe(0);
    const run = JSON.parse(result.stdout) as InspectJson;
    expect(run).toMatchObject({ id: greetingRunId, flowName: "greeting", stateType: "COMPLETED", parameters: { name: "Navin" } });
    expect(run.taskRuns.map((taskRun) => taskRun.taskKey).sort()).toEqual(["say-hello", "say-name"].sort());
    expect(run.taskRuns.every((taskRun) => taskRun.stateType === "COMPLETED")).toBe(true);
    expect(run.stateHistory.map((state) => state.type)).toEqual(expect.arrayContaining(["RUNNING", "COMPLETED"]));
    expect(run.stateHistory.at(-1)?.type).toBe("COMPLETED");
  });

  it("shows the same in the readable inspect view, also by id prefix", async () => {
    const result = await runCli(["flow-run", "inspect", greetingRunId.slice(0, 8)], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(greetingRunId);
    expect(result.stdout).toMatch(/say-hello\S*\s+Completed/);
    expect(result.stdout).toMatch(/say-name\S*\s+Completed/);
    expect(result.stdout).toContain('"name": "Navin"');
    expect(result.stdout).toContain("State history");
  });

  it("prints the flow's lines in flow-run logs, and as JSON", async () => {
    const text = await runCli(["flow-run", "logs", greetingRunId], env);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("Hello, world!");
    expect(text.stdout).toContain("my name is, Navin!");
    expect(text.stdout.indexOf("Hello, world!")).toBeLessThan(text.stdout.indexOf("my name is, Navin!"));

    const json = await runCli(["flow-run", "logs", greetingRunId, "--json", "--level", "info"], env);
    const logs = JSON.parse(json.stdout) as LogRecord[];
    expect(logs.map((log) => log.message)).toEqual(expect.arrayContaining(["Hello, world!", "my name is, Navin!"]));
    expect(logs.every((log) => log.flowRunId === greetingRunId)).toBe(true);

    const errorsOnly = await runCli(["flow-run", "logs", greetingRunId, "--json", "--level", "error"], env);
    expect((JSON.parse(errorsOnly.stdout) as LogRecord[]).map((log) => log.message)).not.toContain("Hello, world!");
  });

  it("prints the result, and inspect shows subflow runs and artifacts", async () => {
    const result = await runCli(["run", `${FIXTURE}:report`, "--params", '{"n":21}'], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Result: {"doubled":42}');
    const id = flowRunIdIn(result.stdout);
    const json = JSON.parse((await runCli(["flow-run", "inspect", id, "--json"], env)).stdout) as InspectJson & {
      subflowRuns: FlowRun[];
      artifacts: Array<{ key: string | null; type: string }>;
    };
    expect(json.subflowRuns.map((run) => [run.flowName, run.stateType, run.parameters])).toEqual([["double", "COMPLETED", { n: 21 }]]);
    expect(json.artifacts.map((artifact) => [artifact.key, artifact.type])).toEqual([["doubled-report", "markdown"]]);
    const text = (await runCli(["flow-run", "inspect", id], env)).stdout;
    expect(text).toMatch(/Subflow runs \(1\)/);
    expect(text).toMatch(/doubled-report\s+markdown\s+the doubled number/);
  });

  it("a failing flow exits 1, ends Failed and can be listed by state; its retry is refused with the server's reason", async () => {
    const result = await runCli(["run", `${FIXTURE}:broken`], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/finished in state Failed: .*the pipes burst/);
    const failedId = flowRunIdIn(result.stdout);
    // Printed log lines name the run, as its finishing line does.
    const runName = /Flow run '([^']+)'/.exec(result.stdout)?.[1];
    expect(result.stdout + result.stderr).toMatch(new RegExp(`\\| WARNING +\\| Flow run '${runName}' - the pipes are shaking`));
    expect(result.stdout + result.stderr).toMatch(/\| INFO +\| Task run 'inspect-pipes-0' - pressure is rising/);

    const failed = await runCli(["flow-run", "ls", "--state", "failed", "--json"], env);
    const failedRuns = JSON.parse(failed.stdout) as FlowRun[];
    expect(failedRuns.map((run) => run.id)).toEqual([failedId]);

    const byFlow = await runCli(["flow-run", "ls", "--flow", "greeting", "--json"], env);
    expect((JSON.parse(byFlow.stdout) as FlowRun[]).map((run) => run.id)).toEqual([greetingRunId]);

    // A run of `weir run` has no deployment: no worker could start it again.
    const retried = await runCli(["flow-run", "retry", failedId, "--json"], env);
    expect(retried.code).toBe(1);
    expect(retried.stdout).toBe("");
    expect(retried.stderr).toMatch(/^Error: .*cannot move from Failed: the run has no deployment.*run the flow again/);
    const after = JSON.parse((await runCli(["flow-run", "inspect", failedId, "--json"], env)).stdout) as InspectJson;
    expect(after.stateType).toBe("FAILED");
  });

  it("lists runs as a table with the newest first", async () => {
    const result = await runCli(["flow-run", "ls"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^ID\s+NAME\s+FLOW\s+DEPLOYMENT\s+STATE\s+STARTED\s+DURATION$/);
    expect(result.stdout).toContain(greetingRunId);
    expect(result.stdout).toMatch(/greeting\s+-\s+Completed/);
  });

  it("rejects bad --param syntax and bad entrypoints with one clear line", async () => {
    const badParam = await runCli(["run", `${FIXTURE}:greeting`, "--param", "name"], env);
    expect(badParam.code).toBe(2);
    expect(badParam.stderr.trim()).toBe("Error: invalid --param 'name': expected KEY=VALUE, e.g. --param name=Navin");

    const notAFlow = await runCli(["run", `${FIXTURE}:notAFlow`], env);
    expect(notAFlow.code).toBe(1);
    expect(notAFlow.stderr.trim().split("\n")).toHaveLength(1);
    expect(notAFlow.stderr).toMatch(/^Error: .*notAFlow/);

    const missingFile = await runCli(["run", "test/cli/fixtures/nowhere.ts:greeting"], env);
    expect(missingFile.code).toBe(1);
    expect(missingFile.stderr).toMatch(/^Error: .*nowhere\.ts/);
    expect(missingFile.stderr).not.toMatch(/\n\s+at /);
  });

  it("refuses parameters that do not match the flow's schema, naming the field, and creates no run", async () => {
    const before = await runCli(["flow-run", "ls", "--json", "--limit", "1000"], env);
    const result = await runCli(["run", `${FIXTURE}:greeting`, "--params", '{"name":42}'], env);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^Error: invalid parameters of flow 'greeting': parameters\.name: /);
    const after = await runCli(["flow-run", "ls", "--json", "--limit", "1000"], env);
    expect((JSON.parse(after.stdout) as FlowRun[]).length).toBe((JSON.parse(before.stdout) as FlowRun[]).length);
  });

  it("gives a clear error for unknown ids", async () => {
    const unknown = "00000000-0000-4000-8000-000000000000";
    for (const args of [["inspect", unknown], ["logs", unknown], ["cancel", unknown], ["inspect", "zzzz"]]) {
      const result = await runCli(["flow-run", ...args], env);
      expect(result.code, args.join(" ")).toBe(1);
      expect(result.stderr.trim()).toMatch(/^Error: flow run '.*' not found$/);
    }
  });

  it("records a run when a script calls the flow directly (npx tsx)", async () => {
    const tsx = `${REPO_ROOT}node_modules/.bin/tsx`;
    const script = await runProcess(tsx, ["test/cli/fixtures/greeting-script.ts", "Ada"], env, 60_000);
    expect(script.stderr).toBe("");
    expect(script.code).toBe(0);
    const listed = await runCli(["flow-run", "ls", "--flow", "greeting", "--json"], env);
    const runs = JSON.parse(listed.stdout) as FlowRun[];
    const direct = runs.find((run) => run.parameters.name === "Ada");
    expect(direct?.stateType).toBe("COMPLETED");
  });
});

describe("weir flow-run logs --follow", { timeout: 120_000 }, () => {
  it("streams a running flow's lines until it ends", async () => {
    let announceStart: (id: string) => void = () => undefined;
    const started = new Promise<string>((resolve) => (announceStart = resolve));
    const running = runCli(["run", `${FIXTURE}:slow`, "--param", "seconds=4"], env, 60_000, (soFar) => {
      if (soFar.includes("started")) announceStart(flowRunIdIn(soFar));
    });
    const id = await Promise.race([
      started,
      running.then((result) => Promise.reject(new Error(`weir run ended early: ${result.stderr}`))),
    ]);
    const followed = await runCli(["flow-run", "logs", id, "--follow"], env);
    expect(followed.code).toBe(0);
    expect(followed.stdout).toContain("tick 16");
    expect(followed.stderr).toMatch(/is Completed/);
    expect((await running).code).toBe(0);
  });
});
