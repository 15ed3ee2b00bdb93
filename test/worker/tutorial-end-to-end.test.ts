/**
 * The tutorial path with real processes: a server, the greeting deployed to GreetingWorkQueue
 * with `0 8 * * *` in Asia/Phnom_Penh, `weir agent start -q GreetingWorkQueue` as a child, and
 * `weir deployment run greeting/basic_greeting --param name=X --watch` completing and showing
 * "my name is, X!"; the next scheduled run is at 01:00 UTC.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { startServer, type RunningServer } from "../../src/server/start-server.js";
import { deployFlow } from "../../src/sdk/deploy.js";
import { greeting } from "../../examples/greeting/main.js";
import { runCli } from "../cli/run-cli.js";
import { createTestDatabase, type TestDatabase } from "../helpers/test-database.js";
import { REPO_ROOT, serverEnv, startWeir, waitFor, type WeirProcess } from "./worker-test-kit.js";

let database: TestDatabase;
let server: RunningServer;
let client: HttpClient;
let agent: WeirProcess | undefined;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startServer({ port: 0, databaseUrl: database.url, uiDir: null, log: () => undefined, servicesOptions: { onError: () => undefined } });
  client = new HttpClient({ apiUrl: server.url });
});

afterAll(async () => {
  await agent?.stop();
  await client?.close();
  await server?.close();
  await database?.dispose();
});

describe("tutorial", () => {
  it("deploys, runs through an agent and watches the run to the end", { timeout: 120_000 }, async () => {
    const deployment = await deployFlow(greeting, {
      name: "basic_greeting",
      workQueue: "GreetingWorkQueue",
      parameters: { name: "Navin" },
      schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" },
      entrypoint: "examples/greeting/main.ts:greeting",
      path: REPO_ROOT,
      client,
    });
    expect(deployment.workQueueName).toBe("GreetingWorkQueue");
    const env = serverEnv(server.url, database.dir);

    const inspected = await runCli(["deployment", "inspect", "greeting/basic_greeting", "--json"], env);
    expect(inspected.code, inspected.stderr).toBe(0);
    const nextRunTime = String((JSON.parse(inspected.stdout) as { nextRunTime: string }).nextRunTime);
    expect(nextRunTime).toMatch(/T01:00:00\.000Z$/);

    agent = startWeir(["agent", "start", "-q", "GreetingWorkQueue", "--poll-interval", "1", "--heartbeat-interval", "2"], env);
    await waitFor(async () => (await client.listWorkers("default")).some((worker) => worker.status === "ONLINE"), 30_000, "the agent to heartbeat");

    const watched = await runCli(["deployment", "run", "greeting/basic_greeting", "--param", "name=Marvin", "--watch"], env, 90_000);
    expect(watched.code, watched.stdout + watched.stderr).toBe(0);
    expect(watched.stdout).toContain("my name is, Marvin!");
    expect(watched.stdout).toMatch(/Running/);
    expect(watched.stdout).toMatch(/finished in state Completed/);

    const failing = await runCli(["deployment", "run", "greeting/basic_greeting", "--params", '{"name": 42}'], env);
    expect(failing.code).not.toBe(0);
    expect(failing.stderr).toContain("parameters.name");
    expect(await agent.stop()).toBe(0);
    expect(agent.output()).toContain("started");
  });
});
