/**
 * `weir deployment backfill` and `weir deployment backfills` against a real `weir server start`
 * child process (the CLI over WEIR_API_URL), on the test database (SQLite or PostgreSQL): the
 * repository's greeting deployment backfilled over [2026-11-01, 2026-11-03) gets exactly its
 * 01:00Z runs of both days, the same command again creates none, a dry run creates nothing, bad
 * times are usage errors naming the flag, and a backfilled run sees its slot as
 * `getRunContext().scheduledTime` when a worker's child (`weir flow-run execute`) runs it. The
 * server runs its services, so its scheduler makes the greeting's runs of the coming days too.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Backfill, BackfillResult } from "../../src/core/backfills.js";
import type { FlowRun, LogRecord } from "../../src/core/models.js";
import { useTestDatabase } from "../helpers/test-database.js";
import { cliEnv, REPO_ROOT, runCli } from "./run-cli.js";

const database = useTestDatabase();
let server: ChildProcessWithoutNullStreams | undefined;
let apiUrl = "";
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  const serverEnv = { ...cliEnv(database.url, database.dir), WEIR_API_KEY: "" };
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/weir.js`, "server", "start", "--port", "0"], { env: serverEnv, cwd: REPO_ROOT });
  server = child;
  let output = "";
  apiUrl = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from the server: ${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Weir server ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(`${match[1]}/api`);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.on("exit", (code) => reject(new Error(`the server exited (${code}): ${output}`)));
  });
  // The CLI never opens the database itself: everything goes through the server.
  env = cliEnv(`sqlite://${database.dir}/unused/never-opened.db`, database.dir, { WEIR_API_URL: apiUrl });
}, 60_000);

afterAll(async () => {
  if (!server || server.exitCode !== null) return;
  const exited = new Promise((resolve) => server?.on("exit", resolve));
  server.kill("SIGTERM");
  await exited;
});

const RANGE = ["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-03T00:00:00Z"];
const SLOTS = ["2026-11-01T01:00:00.000Z", "2026-11-02T01:00:00.000Z"];

async function weir(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runCli(args, env, 60_000);
}

/** The greeting's runs in November 2026 (the server's scheduler also makes its runs of the coming days). */
async function greetingRuns(): Promise<FlowRun[]> {
  const listed = await weir(["flow-run", "ls", "--deployment", "greeting/basic_greeting", "--json"]);
  expect(listed.code, listed.stderr).toBe(0);
  const runs = JSON.parse(listed.stdout) as FlowRun[];
  return runs.filter((run) => run.expectedStartTime.startsWith("2026-11-")).sort((a, b) => a.expectedStartTime.localeCompare(b.expectedStartTime));
}

describe("weir deployment backfill", { timeout: 180_000 }, () => {
  it("applies the greeting deployment from weir.yaml through the server", async () => {
    const deployed = await weir(["deploy", "basic_greeting"]);
    expect(deployed.code, deployed.stderr).toBe(0);
  });

  it("--dry-run lists the two slots and creates nothing", async () => {
    const dry = await weir(["deployment", "backfill", "greeting/basic_greeting", ...RANGE, "--dry-run"]);
    expect(dry.code, dry.stderr).toBe(0);
    for (const slot of SLOTS) expect(dry.stdout).toMatch(new RegExp(`${slot}\\s+1\\s+would be created`));
    expect(dry.stdout).toContain("2 run(s) would be created, 0 already exist. Nothing was created.");
    expect(await greetingRuns()).toEqual([]);
  });

  it("creates exactly two runs at 01:00Z; the same command again creates none", async () => {
    const first = await weir(["deployment", "backfill", "greeting/basic_greeting", ...RANGE, "--json"]);
    expect(first.code, first.stderr).toBe(0);
    const result = JSON.parse(first.stdout) as BackfillResult;
    expect(result).toMatchObject({ isDryRun: false, createdCount: 2, existingCount: 0 });
    const runs = await greetingRuns();
    expect(runs.map((run) => run.expectedStartTime)).toEqual(SLOTS);
    expect(runs.every((run) => run.tags.includes(`backfill:${result.backfill?.id}`) && run.stateType === "SCHEDULED")).toBe(true);

    const again = await weir(["deployment", "backfill", "greeting/basic_greeting", ...RANGE]);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain("0 run(s) created, 2 already existed");
    expect((await greetingRuns()).map((run) => run.id)).toEqual(runs.map((run) => run.id));

    const listed = await weir(["deployment", "backfills", "greeting/basic_greeting"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${result.backfill?.id}\\s+\\[2026-11-01T00:00:00.000Z, 2026-11-03T00:00:00.000Z\\)\\s+2/2\\s+2 scheduled, 0 running, 0 completed, 0 failed`));
    const asJson = JSON.parse((await weir(["deployment", "backfills", "greeting/basic_greeting", "--json"])).stdout) as Backfill[];
    expect(asJson.map((backfill) => [backfill.id, backfill.slotCount, backfill.progress.byStateType.SCHEDULED])).toEqual([[result.backfill?.id, 2, 2]]);
  });

  it("refuses bad times as usage errors naming the flag, before calling the server", async () => {
    const cases: [string[], RegExp][] = [
      [["--from", "2026-13-45", "--to", "2026-11-03T00:00:00Z"], /--from '2026-13-45' is not an ISO-8601 time/],
      [["--from", "yesterday", "--to", "2026-11-03T00:00:00Z"], /--from 'yesterday' is not an ISO-8601 time/],
      [["--from", "2026-11-01T00:00:00Z", "--to", "2026-11-03T00:00"], /--to '2026-11-03T00:00' has no time zone/],
      [["--from", "2026-11-01T00:00:00Z"], /--to is required/],
      [["--from", "2026-11-03", "--to", "2026-11-01"], /--to \(2026-11-01T00:00:00.000Z\) must be after --from/],
    ];
    for (const [args, message] of cases) {
      const refused = await weir(["deployment", "backfill", "greeting/basic_greeting", ...args]);
      expect(refused.code, refused.stdout + refused.stderr).toBe(2);
      expect(refused.stderr).toMatch(message);
      expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    }
    expect(await greetingRuns()).toHaveLength(2);
  });

  it("a backfilled run sees its slot as getRunContext().scheduledTime", async () => {
    const upserted = await fetch(`${apiUrl}/deployments`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        name: "slots",
        flowName: "slot-time",
        entrypoint: "test/cli/fixtures/slot-time.ts:slotTime",
        path: REPO_ROOT,
        schedules: [{ schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } }],
      }),
    });
    expect(upserted.status).toBe(200);
    const backfilled = await weir(["deployment", "backfill", "slot-time/slots", "--from", "2026-11-02T00:00:00Z", "--to", "2026-11-03T00:00:00Z", "--json"]);
    expect(backfilled.code, backfilled.stderr).toBe(0);
    const [slot] = (JSON.parse(backfilled.stdout) as BackfillResult).slots;
    expect(slot?.scheduledTime).toBe("2026-11-02T01:00:00.000Z");
    const executed = await weir(["flow-run", "execute", slot?.flowRunId ?? ""]);
    expect(executed.code, executed.stderr).toBe(0);
    const logs = JSON.parse((await weir(["flow-run", "logs", slot?.flowRunId ?? "", "--json"])).stdout) as LogRecord[];
    expect(logs.map((log) => log.message)).toContain("slot 2026-11-02T01:00:00.000Z");
  });
});
