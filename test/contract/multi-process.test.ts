/**
 * Four OS processes write runs, task runs and logs into one fresh database at once (the first
 * opener migrates it while the others wait): everything is stored, and no process sees
 * "database is locked" (SQLite: BEGIN IMMEDIATE + busy timeout).
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InProcessClient } from "../../src/client/in-process-client.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const WRITER = fileURLToPath(new URL("./fixtures/concurrent-writer.ts", import.meta.url));

function runWriter(url: string, label: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", WRITER, url, label], { stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 90_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe("several processes on one database", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.dispose();
  });

  it("4 processes × 200 task runs: all stored, no 'database is locked'", async () => {
    const results = await Promise.all([0, 1, 2, 3].map((index) => runWriter(database.url, `writer-${index}`)));
    for (const result of results) {
      expect(result.stderr).not.toMatch(/locked|SQLITE_BUSY/i);
      expect(result.code, result.stderr).toBe(0);
    }
    const client = await InProcessClient.open({ databaseUrl: database.url });
    try {
      const runIds = results.map((result) => result.stdout.trim());
      for (const runId of runIds) {
        const run = await client.readFlowRun(runId);
        expect(run.stateName).toBe("Completed");
        const tasks = await client.listTaskRuns({ flowRunId: runId }, { limit: 1000 });
        expect(tasks.items).toHaveLength(200);
        expect(tasks.items.every((task) => task.stateName === "Completed")).toBe(true);
        expect(await client.readLogs({ flowRunId: runId })).toHaveLength(20);
      }
      expect(await client.countFlowRuns({ flowNames: ["multi-process"] })).toBe(4);
    } finally {
      await client.close();
    }
  }, 120_000);
});
