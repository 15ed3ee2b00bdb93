import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { createTestDatabase } from "../helpers/test-database.js";
import type { TestDatabase } from "../helpers/test-database.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/many-tasks.ts", import.meta.url));
let database: TestDatabase;
let client: InProcessClient;

beforeAll(async () => {
  database = await createTestDatabase();
  client = await InProcessClient.open({ databaseUrl: database.url });
});
afterAll(async () => {
  await client.close();
  await database.dispose();
});

function runFixture(): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
      env: { ...process.env, WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_API_URL: "", TASK_COUNT: "200" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("several processes on one database", () => {
  it("runs 4 processes of 200 tasks each at once: all Completed, no 'database is locked'", async () => {
    const results = await Promise.all([runFixture(), runFixture(), runFixture(), runFixture()]);
    for (const result of results) {
      expect(result.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
      expect(result.code, result.stderr).toBe(0);
    }
    const outputs = results.map((result) => JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { flowRunId: string; total: number });
    for (const { flowRunId, total } of outputs) {
      expect(total).toBe(200);
      const run = await client.readFlowRun(flowRunId);
      expect(run.stateName).toBe("Completed");
      const tasks = await client.listTaskRuns({ flowRunId }, { limit: 1000 });
      expect(tasks.items).toHaveLength(200);
      expect(tasks.items.every((task) => task.stateName === "Completed")).toBe(true);
      const logs = await client.readLogs({ flowRunId });
      expect(logs.map((log) => log.message)).toContain("done 100");
    }
  }, 120_000);
});
