// The CLI over HTTP: WEIR_API_URL set, a real server (with an API key) on the test database.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { FlowRun, LogRecord, TaskRun } from "../../src/core/models.js";
import { useTestServer } from "../helpers/test-server.js";
import { cliEnv, runCli } from "./run-cli.js";

const API_KEY = "cli-test-key-0123456789";
const { database, server } = useTestServer({ apiKey: API_KEY });
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  // No database URL for the CLI: everything must go through the API.
  const unusedDatabase = `sqlite://${database.dir}/unused/never-opened.db`;
  env = cliEnv(unusedDatabase, database.dir, { WEIR_API_URL: `${server.url}/api`, WEIR_API_KEY: API_KEY });
});

describe("the CLI with WEIR_API_URL", { timeout: 120_000 }, () => {
  it("runs a flow through the server and shows it in ls, inspect and logs", async () => {
    const ran = await runCli(["run", "test/cli/fixtures/greeting.ts:greeting", "--param", "name=Navin", "--json"], env);
    expect(ran.code, ran.stderr).toBe(0);
    const run = JSON.parse(ran.stdout) as FlowRun;
    expect(run.stateType).toBe("COMPLETED");

    const listed = JSON.parse((await runCli(["flow-run", "ls", "--json"], env)).stdout) as FlowRun[];
    expect(listed.map((item) => item.id)).toEqual([run.id]);

    const inspected = JSON.parse((await runCli(["flow-run", "inspect", run.id, "--json"], env)).stdout) as FlowRun & { taskRuns: TaskRun[] };
    expect(inspected.taskRuns.map((taskRun) => taskRun.stateType)).toEqual(["COMPLETED", "COMPLETED"]);

    const logs = JSON.parse((await runCli(["flow-run", "logs", run.id, "--json"], env)).stdout) as LogRecord[];
    expect(logs.map((log) => log.message)).toEqual(expect.arrayContaining(["Hello, world!", "my name is, Navin!"]));
    // The flow's prints went to stderr with --json, and the CLI never opened a database itself.
    expect(ran.stderr).toContain("my name is, Navin!");
    expect(existsSync(join(database.dir, "unused"))).toBe(false);
  });

  it("round-trips a variable and reports a wrong API key in one line", async () => {
    expect((await runCli(["variable", "set", "region", "eu-west"], env)).code).toBe(0);
    expect((await runCli(["variable", "get", "region"], env)).stdout).toBe("eu-west\n");
    const refused = await runCli(["variable", "ls"], { ...env, WEIR_API_KEY: "wrong" });
    expect(refused.code, refused.stdout + refused.stderr).toBe(1);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/^Error: /);
  });
});
