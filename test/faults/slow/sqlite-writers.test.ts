/**
 * Fault suite: many processes on one database. Eight OS processes write runs, task runs and logs
 * at once (SQLite: no "database is locked", every row stored); three scheduler processes race
 * over 50 scheduled deployments, three passes each (every slot created once: 0 duplicates).
 * Both run on each engine.
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../../src/client/in-process-client.js";
import { createTestDatabase, type TestDatabase } from "../../helpers/test-database.js";
import { deployWithSchedule, openServiceTestBed, type ServiceTestBed } from "../../services/service-test-kit.js";
import { recordFaultFigures } from "../fault-figures.js";

const WRITER = fileURLToPath(new URL("../../contract/fixtures/concurrent-writer.ts", import.meta.url));
const SCHEDULER = fileURLToPath(new URL("../../services/fixtures/scheduler-pass-child.ts", import.meta.url));

function runChild(script: string, args: readonly string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 300_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("8 writer processes on one database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("stores every row of 8 processes × 200 task runs, with no 'database is locked'", { timeout: 400_000 }, async () => {
    const results = await Promise.all(Array.from({ length: 8 }, (_, index) => runChild(WRITER, [database.url, `writer-${index}`])));
    const lockErrors = results.filter((result) => /locked|SQLITE_BUSY/i.test(result.stderr)).length;
    for (const result of results) expect(result.code, result.stderr).toBe(0);
    expect(lockErrors).toBe(0);
    const client = await InProcessClient.open({ databaseUrl: database.url });
    try {
      let taskRuns = 0;
      let logs = 0;
      for (const runId of results.map((result) => result.stdout.trim())) {
        expect((await client.readFlowRun(runId)).stateName).toBe("Completed");
        const tasks = await client.listTaskRuns({ flowRunId: runId }, { limit: 1000 });
        expect(tasks.items.filter((task) => task.stateName === "Completed")).toHaveLength(200);
        taskRuns += tasks.items.length;
        logs += (await client.readLogs({ flowRunId: runId })).length;
      }
      expect(logs).toBe(8 * 20);
      expect(await client.countFlowRuns({ flowNames: ["multi-process"] })).toBe(8);
      recordFaultFigures("writers-8", { processes: 8, taskRuns, logs, lockErrors });
    } finally {
      await client.close();
    }
  });
});

describe("three schedulers", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-09-01T00:00:00Z");
  });
  afterAll(async () => bed?.close());

  it("create each slot of 50 deployments once across three scheduler processes", { timeout: 400_000 }, async () => {
    const deployments = [];
    for (let index = 0; index < 50; index++) deployments.push(await deployWithSchedule(bed.opened[0]!, `racing-${index}`, { cron: "* * * * *" }));
    for (const now of ["2026-09-01T00:00:30Z", "2026-09-01T00:07:30Z", "2026-09-01T00:14:30Z"]) {
      const results = await Promise.all([0, 1, 2].map(() => runChild(SCHEDULER, [bed.database.url, now, "2"])));
      for (const result of results) expect(result.code, result.stderr).toBe(0);
    }
    const rows = await bed.opened[0]!.context.database.db
      .selectFrom("flow_runs")
      .select(["deployment_id", "expected_start_time"])
      .where("deployment_id", "in", deployments.map((deployment) => deployment.id))
      .execute();
    const duplicates = rows.length - new Set(rows.map((row) => `${row.deployment_id}|${row.expected_start_time}`)).size;
    // Slots 00:00 … 00:24 (the last pass at 00:14:30 plus the 10-minute horizon) per deployment.
    expect(rows.length).toBe(50 * 25);
    expect(duplicates).toBe(0);
    recordFaultFigures("schedulers-3", { processes: 3, deployments: 50, runs: rows.length, duplicates });
  });
});
