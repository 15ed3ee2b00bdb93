/**
 * `weir deploy` records deployment versions, and `weir deployment versions|rollback` show and
 * restore them, through the real CLI (child processes, embedded mode) on the test database
 * (SQLite or PostgreSQL): the author is the OS user or `WEIR_ACTOR`, the entrypoint hash is the
 * sha256 of the flow file, an unchanged deploy records nothing, a changed file alone is a new
 * version, `--diff` shows what changed, a rollback is a new version, and runs record theirs.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { userInfo } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { DeploymentVersion } from "../../src/core/deployment-versions.js";
import type { FlowRun } from "../../src/core/models.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { cliEnv, REPO_ROOT, runCli } from "./run-cli.js";

const database = useTestDatabase();
let project = "";
let env: NodeJS.ProcessEnv;
const NAME = "etl-versions/nightly";

function writeProject(day: string, comment: string): void {
  writeFileSync(join(project, "flow.ts"), `import { flow } from "${REPO_ROOT}src/index.js";\n// ${comment}\nexport const etl = flow({ name: "etl-versions" }, async () => 1);\n`);
  writeFileSync(
    join(project, "weir.yaml"),
    `deployments:\n  - name: nightly\n    entrypoint: flow.ts:etl\n    parameters:\n      day: ${day}\n    schedules:\n      - cron: "0 8 * * *"\n        timezone: Asia/Phnom_Penh\n`,
  );
}

async function weir(args: string[], extra: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, { ...env, ...extra }, 60_000);
}

async function versions(): Promise<DeploymentVersion[]> {
  const listed = await weir(["deployment", "versions", NAME, "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  return JSON.parse(listed.stdout) as DeploymentVersion[];
}

const fileHash = (): string => createHash("sha256").update(readFileSync(join(project, "flow.ts"))).digest("hex");

beforeAll(() => {
  project = join(database.dir, "project");
  mkdirSync(project, { recursive: true });
  env = cliEnv(database.url, database.dir);
  delete env.WEIR_ACTOR;
});

describe("weir deployment versions and rollback", () => {
  it("deploy records version 1 by the OS user with the file's hash; deploying it unchanged records nothing", async () => {
    writeProject("today", "first");
    const yaml = join(project, "weir.yaml");
    expect((await weir(["deploy", "--all", "--file", yaml])).code).toBe(0);
    expect((await weir(["deploy", "--all", "--file", yaml], { WEIR_ACTOR: "someone-else" })).code).toBe(0);
    const [first, ...rest] = await versions();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ version: 1, author: userInfo().username, entrypointHash: fileHash() });
  }, 120_000);

  it("a changed parameter, then a changed file alone, are new versions; --diff shows the change", async () => {
    const yaml = join(project, "weir.yaml");
    writeProject("yesterday", "first");
    expect((await weir(["deploy", "--all", "--file", yaml], { WEIR_ACTOR: "ci-bot" })).code).toBe(0);
    writeProject("yesterday", "second: the code changed");
    expect((await weir(["deploy", "--all", "--file", yaml], { WEIR_ACTOR: "ci-bot" })).code).toBe(0);
    const list = await versions();
    expect(list.map((v) => [v.version, v.author, v.changedFields])).toEqual([
      [3, "ci-bot", ["entrypointHash"]],
      [2, "ci-bot", ["parameters"]],
      [1, userInfo().username, expect.any(Array)],
    ]);
    expect(list[0]?.entrypointHash).toBe(fileHash());
    const table = await weir(["deployment", "versions", NAME]);
    expect(table.stdout).toMatch(/VERSION\s+CREATED\s+AUTHOR\s+CHANGED/);
    expect(table.stdout).toMatch(/\b2\s+\S+\s+ci-bot\s+parameters/);
    const diff = await weir(["deployment", "versions", NAME, "--diff", "2"]);
    expect(diff.code).toBe(0);
    expect(diff.stdout).toContain('- parameters.day: "today"');
    expect(diff.stdout).toContain('+ parameters.day: "yesterday"');
  }, 120_000);

  it("rollback --to 1 applies version 1's spec as version 4; a run records it; bad numbers name the flag", async () => {
    const rolled = await weir(["deployment", "rollback", NAME, "--to", "1"], { WEIR_ACTOR: "oncall" });
    expect(rolled.code, rolled.stderr).toBe(0);
    expect(rolled.stdout).toContain("rolled back to the spec of version 1, as version 4");
    const [latest] = await versions();
    expect(latest).toMatchObject({ version: 4, author: "oncall", rolledBackFrom: 1, changedFields: ["parameters"] });
    expect(latest?.spec.parameters).toEqual({ day: "today" });
    const run = await weir(["deployment", "run", NAME, "--json"]);
    expect(run.code, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as FlowRun).deploymentVersion).toBe(4);
    const bad = await weir(["deployment", "rollback", NAME, "--to", "0"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--to");
    const missing = await weir(["deployment", "rollback", NAME, "--to", "9"]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("no version 9");
  }, 120_000);
});
