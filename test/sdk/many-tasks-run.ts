/**
 * The many-tasks fixture (fixtures/many-tasks.ts) run as a script in a child process, and what it
 * must leave behind: one Completed run with every task run Completed and its `done` log line,
 * checked the same way whether the child wrote to the database itself or through a server.
 */
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import type { OrchestrationApi } from "../../src/client/orchestration-api.js";
import { runScript, type ProcessResult } from "../helpers/run-process.js";

const FIXTURE = fileURLToPath(new URL("./fixtures/many-tasks.ts", import.meta.url));

/** Run the fixture with `taskCount` tasks, `env` over this process's environment. */
export function runManyTasks(taskCount: number, env: Record<string, string>): Promise<ProcessResult> {
  return runScript(FIXTURE, [], { ...process.env, ...env, TASK_COUNT: String(taskCount) });
}

/** Expect the child to have exited 0, and the run it printed last to be stored in full. */
export async function expectManyTasksStored(client: OrchestrationApi, result: ProcessResult, taskCount: number): Promise<void> {
  expect(result.code, result.stderr).toBe(0);
  const { flowRunId, total } = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { flowRunId: string; total: number };
  expect(total).toBe(taskCount);
  expect((await client.readFlowRun(flowRunId)).stateName).toBe("Completed");
  const tasks = await client.listTaskRuns({ flowRunId }, { limit: 1000 });
  expect(tasks.items).toHaveLength(taskCount);
  expect(tasks.items.every((task) => task.stateName === "Completed")).toBe(true);
  expect((await client.readLogs({ flowRunId })).map((log) => log.message)).toContain(`done ${taskCount / 2}`);
}
