/**
 * The resource commands a Prefect user reaches for, as real `weir` processes on the engine
 * WEIR_TEST_DB names: `flow ls|inspect`, `flow-run delete`, `deployment delete`,
 * `work-pool delete|set-concurrency-limit|clear-concurrency-limit` and
 * `work-queue inspect|update|pause|resume|delete|set-concurrency-limit|clear-concurrency-limit`;
 * readable output, `--json`, and exit codes 1 (refused by the API) and 2 (usage errors). The
 * last block runs a few of them over HTTP against a real server.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { Deployment, Flow, FlowRun, WorkPool, WorkQueue } from "../../src/core/models.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { useTestServer } from "../helpers/test-server.js";
import { cliEnv, REPO_ROOT, runCli, useCliEnv, type CliResult } from "./run-cli.js";

const database = useTestDatabase();
const env = useCliEnv(database);

type FlowSummary = Flow & { deploymentCount: number; lastRun: FlowRun | null };
type FlowDetails = Flow & { deployments: Deployment[]; runCount: number; recentRuns: FlowRun[] };
type QueueDetails = WorkQueue & { runCounts: { scheduled: number; pending: number; running: number } };

function weir(...args: string[]): Promise<CliResult> {
  return runCli(args, env, 60_000);
}

async function weirJson<T>(...args: string[]): Promise<T> {
  const result = await weir(...args, "--json");
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
}

/** A refusal: the exit code, nothing on stdout, and exactly one `Error: …` line naming the problem. */
function expectError(result: CliResult, code: 1 | 2, message: string): void {
  expect(result.code, result.stdout + result.stderr).toBe(code);
  expect(result.stdout).toBe("");
  expect(result.stderr.trim().split("\n")).toHaveLength(1);
  expect(result.stderr).toMatch(/^Error: /);
  expect(result.stderr).toContain(message);
}

let greetingRunId: string;

beforeAll(async () => {
  const ran = await weir("run", "test/cli/fixtures/greeting.ts:greeting", "--param", "name=Navin", "--json");
  expect(ran.code, ran.stderr).toBe(0);
  greetingRunId = (JSON.parse(ran.stdout) as FlowRun).id;
  const deployed = await weir("deploy", "--all", "--file", "test/worker/fixtures/weir.yaml");
  expect(deployed.code, deployed.stderr).toBe(0);
}, 180_000);

describe("flow ls and flow inspect", { timeout: 300_000 }, () => {
  it("lists flows with their deployment count and last run, ignoring runs scheduled ahead", async () => {
    const ahead = await weirJson<FlowRun>("deployment", "run", "sleeper/napping", "--start-in", "3600");
    expect(ahead.stateName).toBe("Scheduled");

    const listed = await weir("flow", "ls");
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(/^NAME\s+DEPLOYMENTS\s+LAST RUN\s+CREATED$/m);
    expect(listed.stdout).toMatch(/^greeting\s+0\s+Completed (just now|\d+[smh] ago)\s/m);
    expect(listed.stdout).toMatch(/^sleeper\s+1\s+never\s/m);
    expect(listed.stdout).toMatch(/^quick\s+1\s+never\s/m);

    const flows = await weirJson<FlowSummary[]>("flow", "ls");
    expect(flows.map((flow) => flow.name)).toEqual(["greeting", "quick", "sleeper"]);
    expect(flows[0]).toMatchObject({ name: "greeting", deploymentCount: 0, lastRun: { id: greetingRunId, stateType: "COMPLETED" } });
    expect(flows[2]).toMatchObject({ name: "sleeper", deploymentCount: 1, lastRun: null });
  });

  it("inspects a flow with its deployments, run count and recent runs", async () => {
    const text = await weir("flow", "inspect", "greeting");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^parameters\s+name$/m);
    expect(text.stdout).toMatch(/^runs\s+1$/m);
    expect(text.stdout).toMatch(/^last run\s+Completed /m);
    expect(text.stdout).toContain("Deployments (0)\n(no deployments)");
    expect(text.stdout).toMatch(new RegExp(`^${greetingRunId}\\s+\\S+\\s+greeting\\s+-\\s+Completed`, "m"));

    const sleeper = await weir("flow", "inspect", "sleeper");
    expect(sleeper.stdout).toMatch(/^napping\s+default\/naps\s+1\s+active$/m);
    expect(sleeper.stdout).toContain("Recent runs (0)");

    const details = await weirJson<FlowDetails>("flow", "inspect", "sleeper");
    expect(details.deployments.map((d) => d.name)).toEqual(["napping"]);
    expect(details.runCount).toBe(1);
    expect(details.recentRuns).toEqual([]);
    const byId = await weirJson<FlowDetails>("flow", "inspect", details.id, "--runs", "1");
    expect(byId.name).toBe("sleeper");
  });

  it("names an unknown flow and a bad --runs", async () => {
    expectError(await weir("flow", "inspect", "nothing"), 1, "flow 'nothing' not found");
    expectError(await weir("flow", "inspect", "greeting", "--runs", "0"), 2, "invalid --runs '0': expected a whole number ≥ 1");
    expectError(await weir("flow", "inspect"), 2, "missing required argument 'name'");
  });
});

describe("flow-run delete and deployment delete", { timeout: 300_000 }, () => {
  it("deletes a flow run by id prefix with its subflow runs, and prints JSON", async () => {
    const report = await weirJson<FlowRun>("run", "test/cli/fixtures/greeting.ts:report", "--param", "n=2");
    const subflows = await weirJson<FlowRun[]>("flow-run", "ls", "--flow", "double");
    expect(subflows.map((run) => run.parentFlowRunId)).toEqual([report.id]);

    const deleted = await weir("flow-run", "delete", report.id.slice(0, 8));
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe(`Deleted flow run '${report.name}' (${report.id}) of flow 'report' in state Completed\n`);
    expectError(await weir("flow-run", "inspect", report.id), 1, `flow run '${report.id}' not found`);
    expect(await weirJson<FlowRun[]>("flow-run", "ls", "--flow", "double")).toEqual([]);
    expectError(await weir("flow-run", "delete", report.id), 1, `flow run '${report.id}' not found`);
    expectError(await weir("flow-run", "delete"), 2, "missing required argument 'id'");

    const waiting = await weirJson<FlowRun>("deployment", "run", "sleeper/napping", "--param", "seconds=0");
    const printed = await weirJson<FlowRun>("flow-run", "delete", waiting.id);
    expect(printed).toMatchObject({ id: waiting.id, stateName: "Scheduled", deploymentName: "napping" });
    expectError(await weir("flow-run", "inspect", waiting.id), 1, "not found");
  });

  it("deletes a deployment by name, keeping its runs and cancelling those still waiting; refuses an unknown one", async () => {
    const kept = await weirJson<FlowRun>("deployment", "run", "sleeper/napping", "--param", "seconds=0");
    const deleted = await weir("deployment", "delete", "napping");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^Deleted deployment sleeper\/napping \([0-9a-f-]{36}\)\n$/);
    const left = await weirJson<Deployment[]>("deployment", "ls");
    expect(left.map((d) => `${d.flowName}/${d.name}`)).toEqual(["quick/fast"]);
    expect(await weirJson<FlowRun>("flow-run", "inspect", kept.id)).toMatchObject({ id: kept.id, stateName: "Cancelled", state: { message: "deployment 'sleeper/napping' was deleted before this run started" } });

    expectError(await weir("deployment", "delete", "sleeper/napping"), 1, "deployment 'sleeper/napping' not found");
    const fast = await weirJson<Deployment>("deployment", "delete", "quick/fast");
    expect(fast).toMatchObject({ flowName: "quick", name: "fast", workPoolName: "default" });
    expect(await weirJson<Deployment[]>("deployment", "ls")).toEqual([]);
    expectError(await weir("deployment", "delete"), 2, "missing required argument 'name'");
  });
});

describe("work pool limits and delete", { timeout: 300_000 }, () => {
  it("sets and clears a pool's concurrency limit", async () => {
    expect((await weir("work-pool", "create", "gpu")).code).toBe(0);
    const set = await weir("work-pool", "set-concurrency-limit", "gpu", "3");
    expect(set.stdout).toBe("Work pool 'gpu' runs at most 3 runs at once\n");
    expect((await weirJson<WorkPool>("work-pool", "inspect", "gpu")).concurrencyLimit).toBe(3);
    expect((await weirJson<WorkPool>("work-pool", "set-concurrency-limit", "gpu", "0")).concurrencyLimit).toBe(0);
    const cleared = await weir("work-pool", "clear-concurrency-limit", "gpu");
    expect(cleared.stdout).toBe("Work pool 'gpu' has no concurrency limit\n");
    expect((await weirJson<WorkPool>("work-pool", "inspect", "gpu")).concurrencyLimit).toBeNull();

    expectError(await weir("work-pool", "set-concurrency-limit", "gpu", "three"), 2, "invalid LIMIT 'three': expected a whole number ≥ 0");
    expectError(await weir("work-pool", "set-concurrency-limit", "gpu"), 2, "missing required argument 'limit'");
    expectError(await weir("work-pool", "set-concurrency-limit", "tpu", "3"), 1, "work pool 'tpu' not found");
    expectError(await weir("work-pool", "clear-concurrency-limit", "tpu"), 1, "work pool 'tpu' not found");
  });

  it("refuses to delete the default pool and a pool a deployment uses, then deletes it", async () => {
    expectError(await weir("work-pool", "delete", "default"), 1, "the default work pool cannot be deleted");
    const yaml = join(database.dir, "gpu-weir.yaml");
    writeFileSync(
      yaml,
      ["deployments:", "  - name: gpu-nap", "    entrypoint: worker-flows.ts:sleeper", `    path: ${REPO_ROOT}test/worker/fixtures`, "    workPool: { name: gpu, workQueue: fast-lane }", ""].join("\n"),
    );
    expect((await weir("deploy", "--all", "--file", yaml)).stdout).toContain("Deployed sleeper/gpu-nap → gpu/fast-lane");
    expectError(await weir("work-pool", "delete", "gpu"), 1, "work pool 'gpu' is used by deployment 'gpu-nap'");

    expect((await weir("deployment", "delete", "sleeper/gpu-nap")).code).toBe(0);
    const deleted = await weir("work-pool", "delete", "gpu");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe("Deleted work pool 'gpu' (process) with 2 queues (default, fast-lane)\n");
    expect((await weirJson<WorkPool[]>("work-pool", "ls")).map((pool) => pool.name)).toEqual(["default"]);
    expectError(await weir("work-pool", "delete", "gpu"), 1, "work pool 'gpu' not found");

    expect((await weir("work-pool", "create", "spare")).code).toBe(0);
    const printed = await weirJson<WorkPool & { queues: WorkQueue[] }>("work-pool", "delete", "spare");
    expect(printed).toMatchObject({ name: "spare", type: "process" });
    expect(printed.queues.map((queue) => queue.name)).toEqual(["default"]);
  });
});

describe("work queue commands", { timeout: 300_000 }, () => {
  beforeAll(async () => {
    expect((await weir("work-pool", "create", "cpu")).code).toBe(0);
    expect((await weir("work-queue", "create", "urgent", "--pool", "cpu", "--priority", "2")).code).toBe(0);
  }, 60_000);

  it("inspects a queue and edits its priority and description", async () => {
    const text = await weir("work-queue", "inspect", "urgent", "--pool", "cpu");
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^pool\s+cpu$/m);
    expect(text.stdout).toMatch(/^priority\s+2$/m);
    expect(text.stdout).toMatch(/^runs\s+0 scheduled, 0 pending, 0 running$/m);

    const updated = await weir("work-queue", "update", "urgent", "-p", "cpu", "--priority", "7", "--description", "hot path");
    expect(updated.stdout).toBe("Updated work queue 'urgent' in pool 'cpu' (priority 7)\n");
    expect(await weirJson<QueueDetails>("work-queue", "inspect", "urgent", "-p", "cpu")).toMatchObject({
      priority: 7,
      description: "hot path",
      runCounts: { scheduled: 0, pending: 0, running: 0 },
    });
    expect(await weirJson<WorkQueue>("work-queue", "update", "urgent", "-p", "cpu", "--description", "")).toMatchObject({ priority: 7, description: null });

    expectError(await weir("work-queue", "update", "urgent", "-p", "cpu"), 2, "nothing to update: give --priority N or --description TEXT");
    expectError(await weir("work-queue", "update", "urgent", "-p", "cpu", "--priority", "0"), 2, "invalid --priority '0': expected a whole number ≥ 1");
    expectError(await weir("work-queue", "update", "urgent", "-p", "cpu", "--priority", "high"), 2, "invalid --priority 'high'");
    expectError(await weir("work-queue", "inspect", "ghost", "-p", "cpu"), 1, "work queue 'cpu/ghost' not found");
    expectError(await weir("work-queue", "inspect", "urgent", "-p", "tpu"), 1, "work pool 'tpu' not found");
  });

  it("pauses, resumes and limits a queue", async () => {
    expect((await weir("work-queue", "pause", "urgent", "-p", "cpu")).stdout).toBe("Work queue 'urgent' in pool 'cpu' paused\n");
    expect((await weirJson<WorkQueue>("work-queue", "inspect", "urgent", "-p", "cpu")).isPaused).toBe(true);
    expect((await weirJson<WorkQueue>("work-queue", "resume", "urgent", "-p", "cpu")).isPaused).toBe(false);
    expect((await weir("work-queue", "ls", "-p", "cpu")).stdout).toMatch(/^cpu\s+urgent\s+7\s+-\s+ready/m);

    expect((await weir("work-queue", "set-concurrency-limit", "urgent", "1", "-p", "cpu")).stdout).toBe("Work queue 'urgent' in pool 'cpu' runs at most 1 run at once\n");
    expect((await weir("work-queue", "ls", "-p", "cpu")).stdout).toMatch(/^cpu\s+urgent\s+7\s+1\s+ready/m);
    expect((await weirJson<WorkQueue>("work-queue", "clear-concurrency-limit", "urgent", "-p", "cpu")).concurrencyLimit).toBeNull();
    expect((await weir("work-queue", "clear-concurrency-limit", "urgent", "-p", "cpu")).stdout).toBe("Work queue 'urgent' in pool 'cpu' has no concurrency limit\n");

    expectError(await weir("work-queue", "set-concurrency-limit", "urgent", "1.5", "-p", "cpu"), 2, "invalid LIMIT '1.5'");
    expectError(await weir("work-queue", "set-concurrency-limit", "ghost", "1", "-p", "cpu"), 1, "work queue 'cpu/ghost' not found");
    expectError(await weir("work-queue", "pause", "ghost", "-p", "cpu"), 1, "work queue 'cpu/ghost' not found");
  });

  it("deletes a queue no deployment uses, warning about the runs left waiting in it", async () => {
    expectError(await weir("work-queue", "delete", "default", "-p", "cpu"), 1, "the default queue of work pool 'cpu' cannot be deleted");

    const yaml = join(database.dir, "cpu-weir.yaml");
    writeFileSync(
      yaml,
      ["deployments:", "  - name: cpu-nap", "    entrypoint: worker-flows.ts:sleeper", `    path: ${REPO_ROOT}test/worker/fixtures`, "    workPool: { name: cpu, workQueue: batch }", ""].join("\n"),
    );
    expect((await weir("deploy", "--all", "--file", yaml)).code).toBe(0);
    await weirJson<FlowRun>("deployment", "run", "sleeper/cpu-nap", "--param", "seconds=0");
    expect((await weirJson<QueueDetails>("work-queue", "inspect", "batch", "-p", "cpu")).runCounts).toEqual({ scheduled: 1, pending: 0, running: 0 });

    expectError(await weir("work-queue", "delete", "batch", "-p", "cpu"), 1, "work queue 'batch' of pool 'cpu' is used by deployment 'cpu-nap'");
    // The deployment moves to the pool's default queue; its run created before stays in 'batch'.
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace("workQueue: batch", "workQueue: default"));
    expect((await weir("deploy", "--all", "--file", yaml)).code).toBe(0);
    const deleted = await weir("work-queue", "delete", "batch", "-p", "cpu");
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(deleted.stdout).toBe("Deleted work queue 'batch' in pool 'cpu'\n");
    expect(deleted.stderr).toContain("Note: 1 run waiting in it will not be claimed until a queue named 'batch' exists again");

    const printed = await weirJson<QueueDetails>("work-queue", "delete", "urgent", "-p", "cpu");
    expect(printed).toMatchObject({ name: "urgent", workPoolName: "cpu", runCounts: { scheduled: 0 } });
    expect((await weirJson<WorkQueue[]>("work-queue", "ls", "-p", "cpu")).map((queue) => queue.name)).toEqual(["default"]);
    expectError(await weir("work-queue", "delete", "urgent", "-p", "cpu"), 1, "work queue 'cpu/urgent' not found");
  });
});

describe("over HTTP (WEIR_API_URL)", { timeout: 300_000 }, () => {
  const { database: serverDatabase, server } = useTestServer();
  let httpEnv: NodeJS.ProcessEnv;

  beforeAll(() => {
    httpEnv = cliEnv(`sqlite://${serverDatabase.dir}/unused/never-opened.db`, serverDatabase.dir, { WEIR_API_URL: `${server.url}/api` });
  });

  const overHttp = (...args: string[]): Promise<CliResult> => runCli(args, httpEnv, 60_000);

  it("edits and deletes pools and queues, and lists flows, through the API", async () => {
    expect((await overHttp("work-pool", "create", "edge", "--limit", "2")).code).toBe(0);
    expect(JSON.parse((await overHttp("work-pool", "clear-concurrency-limit", "edge", "--json")).stdout)).toMatchObject({ concurrencyLimit: null });
    expect((await overHttp("work-queue", "create", "hot", "-p", "edge")).code).toBe(0);
    expect((await overHttp("work-queue", "set-concurrency-limit", "hot", "2", "-p", "edge")).stdout).toContain("runs at most 2 runs at once");
    expect(JSON.parse((await overHttp("work-queue", "update", "hot", "-p", "edge", "--priority", "3", "--json")).stdout)).toMatchObject({ priority: 3, concurrencyLimit: 2 });
    expect(JSON.parse((await overHttp("work-queue", "clear-concurrency-limit", "hot", "-p", "edge", "--json")).stdout)).toMatchObject({ concurrencyLimit: null });
    expectError(await overHttp("work-queue", "delete", "default", "-p", "edge"), 1, "the default queue of work pool 'edge' cannot be deleted");
    expectError(await overHttp("work-pool", "delete", "default"), 1, "the default work pool cannot be deleted");
    expect((await overHttp("work-pool", "delete", "edge")).stdout).toBe("Deleted work pool 'edge' (process) with 2 queues (default, hot)\n");

    const ran = await overHttp("run", "test/cli/fixtures/greeting.ts:greeting", "--param", "name=Ada", "--json");
    expect(ran.code, ran.stderr).toBe(0);
    const run = JSON.parse(ran.stdout) as FlowRun;
    const flows = JSON.parse((await overHttp("flow", "ls", "--json")).stdout) as FlowSummary[];
    expect(flows).toMatchObject([{ name: "greeting", deploymentCount: 0, lastRun: { id: run.id } }]);
    expect((await overHttp("flow-run", "delete", run.id)).stdout).toContain(`Deleted flow run '${run.name}' (${run.id})`);
    expect(JSON.parse((await overHttp("flow", "inspect", "greeting", "--json")).stdout)).toMatchObject({ runCount: 0, recentRuns: [] });
  });
});
