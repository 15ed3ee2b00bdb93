import { describe, expect, it } from "vitest";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { expectManyTasksStored, runManyTasks } from "./many-tasks-run.js";

const { database, client } = useTestOrchestration();

describe("several processes on one database", () => {
  it("runs 4 processes of 200 tasks each at once: all Completed, no 'database is locked'", async () => {
    const env = { WEIR_DATABASE_URL: database.url, WEIR_HOME: database.dir, WEIR_API_URL: "" };
    const results = await Promise.all([runManyTasks(200, env), runManyTasks(200, env), runManyTasks(200, env), runManyTasks(200, env)]);
    for (const result of results) {
      expect(result.stderr).not.toMatch(/database is locked|SQLITE_BUSY/i);
      await expectManyTasksStored(client, result, 200);
    }
  }, 120_000);
});
