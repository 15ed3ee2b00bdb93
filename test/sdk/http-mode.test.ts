import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { startServer } from "../../src/server/start-server.js";
import type { RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase } from "../helpers/test-database.js";
import type { TestDatabase } from "../helpers/test-database.js";

// The same SDK code, talking HTTP to a server (WEIR_API_URL) instead of the embedded database.
const FIXTURE = fileURLToPath(new URL("./fixtures/many-tasks.ts", import.meta.url));
let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, uiDir: null, log: () => undefined });
  client = new HttpClient({ apiUrl: server.url });
});
afterAll(async () => {
  await client.close();
  await server.close();
  await database.dispose();
});

describe("SDK over HTTP", () => {
  it("records a flow of 100 tasks and its logs through the server", async () => {
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ["--import", "tsx", FIXTURE], {
        env: { ...process.env, WEIR_API_URL: server.url, WEIR_HOME: database.dir, TASK_COUNT: "100" },
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
    expect(result.code, result.stderr).toBe(0);
    const { flowRunId, total } = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { flowRunId: string; total: number };
    expect(total).toBe(100);
    expect((await client.readFlowRun(flowRunId)).stateName).toBe("Completed");
    const tasks = await client.listTaskRuns({ flowRunId }, { limit: 1000 });
    expect(tasks.items).toHaveLength(100);
    expect(tasks.items.every((task) => task.stateName === "Completed")).toBe(true);
    expect((await client.readLogs({ flowRunId })).map((log) => log.message)).toContain("done 50");
  }, 90_000);
});
