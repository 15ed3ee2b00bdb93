/**
 * The tutorial's greeting, in TypeScript: `main.ts` runs the flow (in this process and as a
 * script in a child process), `deployment.ts` registers `greeting/basic_greeting` on
 * GreetingWorkQueue at 08:00 Asia/Phnom_Penh. On the test database (SQLite or PostgreSQL).
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { flushAll } from "../../src/sdk/client-provider.js";
import { applyGreetingDeployment } from "../../examples/greeting/deployment.js";
import { greeting } from "../../examples/greeting/main.js";
import { runScript } from "../helpers/run-process.js";
import { useSdkTestClient } from "../helpers/test-orchestration.js";

const { database, client } = useSdkTestClient();

async function messagesOf(flowRunId: string): Promise<string[]> {
  return (await client.readLogs({ flowRunId })).map((log) => log.message);
}

describe("examples/greeting", () => {
  it("runs the greeting flow with its two tasks and captures what they print", async () => {
    await greeting({ name: "Navin" });
    await flushAll();
    const runs = await client.listFlowRuns({ flowNames: ["greeting"] });
    expect(runs.items).toHaveLength(1);
    const run = runs.items[0]!;
    expect(run.stateName).toBe("Completed");
    expect(run.parameters).toEqual({ name: "Navin" });
    const tasks = await client.listTaskRuns({ flowRunId: run.id });
    expect(tasks.items.map((task) => [task.taskKey, task.stateName]).sort()).toEqual([
      ["say_hello", "Completed"],
      ["say_name", "Completed"],
    ]);
    expect(await messagesOf(run.id)).toEqual(expect.arrayContaining(["Hello, World! I'm Navin!", "my name is, Navin!"]));
  });

  it("fails fast on a missing name, naming the parameter", async () => {
    await expect(greeting({} as { name: string })).rejects.toThrow(/parameters\.name/);
  });

  it("runs main.ts as a script (the tutorial's `python main.py`)", async () => {
    const { code, stdout, stderr } = await runScript("examples/greeting/main.ts", [], { ...process.env, WEIR_API_URL: "", WEIR_DATABASE_URL: database.url, WEIR_HOME: join(database.dir, "home") });
    const output = stdout + stderr;
    expect(code, output).toBe(0);
    expect(output).toContain("my name is, Navin!");
    expect(await client.countFlowRuns({ flowNames: ["greeting"], stateTypes: ["COMPLETED"] })).toBe(2);
  });

  it("deploys basic_greeting on GreetingWorkQueue, daily at 08:00 in Phnom Penh", async () => {
    await applyGreetingDeployment();
    const deployment = await client.readDeploymentByName("greeting/basic_greeting");
    expect(deployment).toMatchObject({
      name: "basic_greeting",
      entrypoint: "examples/greeting/main.ts:greeting",
      workPoolName: "default",
      workQueueName: "GreetingWorkQueue",
      parameters: { name: "Navin" },
    });
    expect(deployment.schedules.map((schedule) => schedule.schedule)).toEqual([expect.objectContaining({ cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" })]);
    const queues = await client.listWorkQueues("default");
    expect(queues.map((queue) => queue.name)).toContain("GreetingWorkQueue");
  });
});
