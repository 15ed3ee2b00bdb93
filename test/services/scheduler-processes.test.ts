import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deployWithSchedule, openServiceTestBed, type ServiceTestBed } from "./service-test-kit.js";

const CHILD = fileURLToPath(new URL("./fixtures/scheduler-pass-child.ts", import.meta.url));

/** Run one scheduler process to completion; resolves with how many runs it says it created. */
function runSchedulerProcess(databaseUrl: string, now: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD, databaseUrl, now, "2"], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.once("error", reject);
    child.once("exit", (code) => (code === 0 ? resolve(Number(stdout.trim())) : reject(new Error(`scheduler process exited ${code}: ${stderr}`))));
  });
}

describe("schedulers in separate processes", () => {
  let bed: ServiceTestBed;
  beforeAll(async () => {
    bed = await openServiceTestBed("2026-09-01T00:00:00Z");
  });
  afterAll(async () => bed?.close());

  it("three scheduler processes racing over the same database create each slot once", async () => {
    const deployments = [];
    for (let index = 0; index < 10; index++) deployments.push(await deployWithSchedule(bed.opened[0]!, `racing-${index}`, { cron: "* * * * *" }));
    let reportedCreated = 0;
    for (const now of ["2026-09-01T00:00:30Z", "2026-09-01T00:07:30Z", "2026-09-01T00:14:30Z"]) {
      const counts = await Promise.all([0, 1, 2].map(() => runSchedulerProcess(bed.database.url, now)));
      reportedCreated += counts.reduce((sum, count) => sum + count, 0);
    }
    const rows = await bed.opened[0]!.context.database.db
      .selectFrom("flow_runs")
      .select(["deployment_id", "expected_start_time"])
      .where("deployment_id", "in", deployments.map((deployment) => deployment.id))
      .execute();
    // Slots 00:00 (the schedules were created at 00:00:00) … 00:24 (the last pass at 00:14:30 plus
    // the 10-minute horizon), per deployment.
    expect(rows.length).toBe(10 * 25);
    expect(new Set(rows.map((row) => `${row.deployment_id}|${row.expected_start_time}`)).size).toBe(rows.length);
    // Every process saw the same slots; together they claim at least every run (a race may count one twice).
    expect(reportedCreated).toBeGreaterThanOrEqual(rows.length);
  }, 120_000);
});
