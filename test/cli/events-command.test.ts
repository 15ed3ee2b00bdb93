/**
 * `weir events ls` as a child process over the test database (embedded mode): the last events
 * oldest first with filters, `--json`, bad options named, and `--follow` printing the events
 * stored while it runs, each once, until Ctrl-C (SIGINT).
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StoredEvent } from "../../src/core/events.js";
import { makeState } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { REPO_ROOT, runCli, useCliEnv } from "./run-cli.js";

const database = useTestDatabase();
const env = useCliEnv(database);
let opened: OpenedOrchestration;
beforeAll(async () => {
  opened = await openOrchestration({ databaseUrl: database.url });
});
afterAll(async () => opened?.close());

describe("weir events ls", { timeout: 120_000 }, () => {
  it("prints a run's events oldest first, filters by name, prints JSON, and names a bad option", async () => {
    const run = await opened.orchestration.createFlowRun({ flowName: "cli-events", tags: ["cli"] });
    await opened.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
    await opened.orchestration.setFlowRunState(run.id, { state: makeState("Failed", { message: "boom" }) });

    const table = await runCli(["events", "ls", "--resource", run.id], env);
    expect(table.code, table.stderr).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^OCCURRED\s+EVENT\s+RESOURCE\s+RELATED/);
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/)[1])).toEqual(["flow-run.Pending", "flow-run.Running", "flow-run.Failed"]);
    expect(lines[3]).toContain(`flow-run ${run.name}`);
    expect(lines[3]).toContain("flow cli-events");
    expect(lines[3]).toContain("tags cli");

    const json = await runCli(["events", "ls", "--tag", "cli", "--event", "flow-run.F*", "--json"], env);
    expect(json.code, json.stderr).toBe(0);
    const events = JSON.parse(json.stdout) as StoredEvent[];
    expect(events.map((event) => [event.event, event.payload.state])).toEqual([["flow-run.Failed", { id: events[0]!.id, type: "FAILED", name: "Failed", message: "boom" }]]);

    const bad = await runCli(["events", "ls", "--limit", "0"], env);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--limit");
    const badName = await runCli(["events", "ls", "--event", "a*b"], env);
    expect(badName.code).not.toBe(0);
    expect(badName.stderr).toMatch(/events\[0\]/);
  });

  it("--follow prints the last events, then each new one once, until Ctrl-C", async () => {
    const run = await opened.orchestration.createFlowRun({ flowName: "cli-follow", tags: ["follow-cli"] });
    const child = spawn(process.execPath, [`${REPO_ROOT}bin/weir.js`, "events", "ls", "--follow", "--tag", "follow-cli", "--limit", "5"], { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const printed = (text: string): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if (stdout.includes(text)) resolve();
        };
        child.stdout.on("data", check);
        child.on("close", () => reject(new Error(`the CLI ended before printing ${text}: ${stderr}`)));
        check();
      });
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const closed = new Promise<number | null>((resolve) => child.on("close", resolve));
    try {
      await printed("flow-run.Pending");
      await opened.orchestration.setFlowRunState(run.id, { state: makeState("Running") });
      await printed("flow-run.Running");
      await opened.orchestration.setFlowRunState(run.id, { state: makeState("Completed") });
      await printed("flow-run.Completed");
    } finally {
      child.kill("SIGINT");
    }
    expect(await closed).toBe(0);
    const names = stdout.trim().split("\n").map((line) => line.split(/\s{2,}/)[1]);
    expect(names).toEqual(["flow-run.Pending", "flow-run.Running", "flow-run.Completed"]);
  });
});
