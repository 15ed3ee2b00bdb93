/**
 * A flow run by the SDK through `HttpClient` while the server restarts mid-run: every task-run
 * state is stored (the SDK buffer and the client retry), and the run completes.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { flow, task } from "../../src/index.js";
import { releaseClient, setClient } from "../../src/sdk/client-provider.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";

const TASKS = 30;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.dispose();
});

describe("SDK over HTTP across a server restart", () => {
  it("loses no task-run state", async () => {
    const quiet = (): void => undefined;
    let server: RunningServer = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: quiet });
    const port = Number(new URL(server.url).port);
    const client = new HttpClient({ apiUrl: server.url, retries: 12 });
    setClient(client);
    try {
      const step = task("step", async (index: number) => {
        await new Promise((resolve) => setTimeout(resolve, 15));
        return index * 2;
      });
      const pipeline = flow("restart-pipeline", async () => {
        let total = 0;
        for (let index = 0; index < TASKS; index++) total += await step(index);
        return total;
      });
      let isFinished = false;
      const running = pipeline().finally(() => (isFinished = true));
      await new Promise((resolve) => setTimeout(resolve, 120));
      await server.close();
      // The restart must fall in the middle of the run for this test to mean anything.
      expect(isFinished).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 300));
      server = await startServer({ port, databaseUrl: database.url, runServices: false, log: quiet });
      expect(await running).toBe(TASKS * (TASKS - 1));
      await releaseClient(client);

      const runs = await client.listFlowRuns({ flowNames: ["restart-pipeline"] });
      expect(runs.items).toHaveLength(1);
      const run = runs.items[0];
      expect(run?.stateType).toBe("COMPLETED");
      const taskRuns = await client.listTaskRuns({ flowRunId: run?.id ?? "" }, { limit: 1000 });
      expect(taskRuns.items).toHaveLength(TASKS);
      for (const taskRun of taskRuns.items) {
        expect(taskRun.stateType).toBe("COMPLETED");
        const names = (await client.readTaskRunStates(taskRun.id)).map((state) => state.name);
        expect(names.slice(-2)).toEqual(["Running", "Completed"]);
      }
    } finally {
      setClient(null);
      await client.close();
      await server.close();
    }
  }, 60_000);

  it("a running task's state reaches the API within 1 s", async () => {
    const server = await startServer({ port: 0, databaseUrl: database.url, runServices: false, log: () => undefined });
    const client = new HttpClient({ apiUrl: server.url });
    setClient(client);
    try {
      let release: () => void = () => undefined;
      let startedAt = 0;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const slow = task("slow", async () => {
        startedAt = performance.now();
        await gate;
      });
      const watched = flow("visible-pipeline", async () => {
        await slow();
      });
      const running = watched();
      let seenAfterMs = -1;
      while (seenAfterMs < 0) {
        const runs = await client.listFlowRuns({ flowNames: ["visible-pipeline"] });
        const runId = runs.items[0]?.id;
        const taskRuns = runId ? await client.listTaskRuns({ flowRunId: runId }) : { items: [] };
        if (startedAt > 0 && taskRuns.items.some((taskRun) => taskRun.stateType === "RUNNING")) seenAfterMs = performance.now() - startedAt;
        else if (startedAt > 0 && performance.now() - startedAt > 5000) break;
        else await new Promise((resolve) => setTimeout(resolve, 10));
      }
      release();
      await running;
      expect(seenAfterMs).toBeGreaterThanOrEqual(0);
      expect(seenAfterMs).toBeLessThan(1000);
      await releaseClient(client);
    } finally {
      setClient(null);
      await client.close();
      await server.close();
    }
  });
});
