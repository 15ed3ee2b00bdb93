/**
 * The acceptance, with real processes: the automation YAML created with
 * `weir automation create -f`, a `weir server start` child running the services, a real failing
 * greeting run (`weir run … :greeting`), and a real HTTP receiver on the webhook's port: one POST
 * naming the run within 10 s. And a proactive trigger with three `weir server start` children on
 * one database: the deployment misses its expected completion, the automation fires once.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import { cliEnv, REPO_ROOT, runCli } from "../cli/run-cli.js";
import { openOrchestration } from "../../src/orchestration/create-orchestration.js";
import { freePort } from "../helpers/free-port.js";
import { useTestDatabase } from "../helpers/test-database.js";

const database = useTestDatabase();

interface Received {
  at: number;
  body: Record<string, unknown>;
}

function startReceiver(port: number, received: Received[]): Promise<Server> {
  const server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/hook") received.push({ at: Date.now(), body: JSON.parse(text) as Record<string, unknown> });
      response.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(port, "127.0.0.1", () => resolve(server)));
}

function startServer(env: NodeJS.ProcessEnv): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [`${REPO_ROOT}bin/weir.js`, "server", "start", "--port", "0"], { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout?.on("data", () => {
      const match = /Weir server ready at (http:\/\/\S+)/.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    child.on("exit", () => reject(new Error(`server exited: ${output}`)));
  });
  url.catch(() => undefined);
  return { child, url, output: () => output };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describe("automations end to end", () => {
  const received: Received[] = [];
  let receiver: Server;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    receiver = await startReceiver(port, received);
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
  });

  it("a failing greeting run makes the webhook receiver get one POST naming the run within 10 s", async () => {
    const env = cliEnv(database.url, database.dir);
    const file = join(database.dir, "automation.yaml");
    writeFileSync(
      file,
      `name: tell-me-when-greeting-fails
trigger:
  expect: [flow-run.Failed, flow-run.Crashed]
  match: { flow: greeting }
actions:
  - type: webhook
    url: http://127.0.0.1:${port}/hook
`,
    );
    const created = await runCli(["automation", "create", "-f", file], env);
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toContain("Created automation 'tell-me-when-greeting-fails'");
    const bad = join(database.dir, "bad.yaml");
    writeFileSync(bad, "name: x\ntrigger: { expect: flow-run.Failed, whenever: 1 }\nactions: [{ type: fax }]\n");
    const refused = await runCli(["automation", "create", "-f", bad], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/trigger\.whenever: unknown field/);
    expect(refused.stderr).toMatch(/actions\.0\.type/);

    const server = startServer(env);
    try {
      const url = await server.url;
      const run = await runCli(["run", "test/automations/fixtures/failing-greeting.ts:greeting", "--param", "name=Navin"], { ...env, WEIR_API_URL: url }, 60_000);
      expect(run.code, run.stdout + run.stderr).not.toBe(0);
      const client = new HttpClient({ apiUrl: url });
      const [failed] = (await client.listFlowRuns({ flowNames: ["greeting"], stateTypes: ["FAILED"] })).items;
      expect(failed, run.stdout + run.stderr).toBeDefined();
      const failedAt = Date.parse(failed!.state.timestamp);
      const deadline = failedAt + 10_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received.length, server.output()).toBe(1);
      expect(received[0]!.at - failedAt).toBeLessThan(10_000);
      expect(received[0]!.body).toMatchObject({ flowRun: { id: failed!.id, name: failed!.name, stateName: "Failed" }, automation: { name: "tell-me-when-greeting-fails" } });
      // One POST only: nothing more arrives once the services have run several more passes.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(received).toHaveLength(1);
      const history = await runCli(["automation", "history", "tell-me-when-greeting-fails", "--json"], { ...env, WEIR_API_URL: url });
      expect(JSON.parse(history.stdout)).toMatchObject([{ flowRunId: failed!.id, eventName: "flow-run.Failed", actions: [{ type: "webhook", status: "done" }] }]);
      const listed = await runCli(["automation", "ls"], { ...env, WEIR_API_URL: url });
      expect(listed.stdout).toMatch(/tell-me-when-greeting-fails\s+yes\s+flow-run\.Failed\|flow-run\.Crashed \(flow=greeting\)/);
    } finally {
      await stop(server.child);
    }
  }, 120_000);

  it("a proactive trigger fires once when a deployment misses its expected completion, with three servers on one database", async () => {
    const env = cliEnv(database.url, database.dir);
    const opened = await openOrchestration({ databaseUrl: database.url });
    let automationId: string;
    try {
      const deployment = await opened.orchestration.upsertDeployment({ name: "daily", flowName: "data-preprocessing", entrypoint: "flows.ts:flow" });
      const automation = await opened.orchestration.createAutomation({
        name: "daily-missed",
        trigger: { posture: "proactive", expect: "flow-run.Completed", match: { deployment: `${deployment.flowName}/daily` }, within: "3s" },
        actions: [{ type: "webhook", url: `http://127.0.0.1:${port}/hook` }],
      });
      automationId = automation.id;
    } finally {
      await opened.close();
    }
    const before = received.length;
    const servers = [startServer(env), startServer(env), startServer(env)];
    try {
      const urls = await Promise.all(servers.map((server) => server.url));
      const deadline = Date.now() + 30_000;
      while (received.length === before && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      // Every server runs several more passes (1 s apart) past another 3-second window.
      await new Promise((resolve) => setTimeout(resolve, 5000));
      const mine = received.slice(before);
      expect(mine, servers.map((server) => server.output()).join("\n")).toHaveLength(1);
      expect(mine[0]!.body).toMatchObject({ automation: { id: automationId, name: "daily-missed" }, event: { name: "automation.fired" } });
      const client = new HttpClient({ apiUrl: urls[0]! });
      expect(await client.listAutomationFirings("daily-missed")).toHaveLength(1);
      const fired = await client.listEvents({ events: ["automation.fired"], resourceId: automationId });
      expect(fired.events).toHaveLength(1);
    } finally {
      await Promise.all(servers.map((server) => stop(server.child)));
    }
  }, 120_000);
});
