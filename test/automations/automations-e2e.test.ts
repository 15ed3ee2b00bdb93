/**
 * The issue's acceptance, with real processes: the automation YAML created with
 * `weir automation create -f`, a `weir server start` child running the services, a real failing
 * greeting run (`weir run … :greeting`), a real HTTP receiver on the webhook's port and a real SMTP
 * server (aiosmtpd) for the email action: one POST and one email naming the run within 10 s each.
 * The webhook's secret header is stored sealed (the row holds no secret in clear) and still sent.
 * And a proactive trigger with three `weir server start` children on
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
import { aiosmtpdPython, startSmtpReceiver, type SmtpReceiver } from "../helpers/smtp-receiver.js";
import { useTestDatabase } from "../helpers/test-database.js";

const database = useTestDatabase();
const smtp = aiosmtpdPython();
if ("reason" in smtp) console.warn(`automations e2e: the email action is left out: ${smtp.reason}`);

const SECRET_KEY = "automations-e2e-passphrase-0123456789";
const SECRET_HEADER = "Bearer e2e-secret-token-4242";

// The decoded text of each MIME part of a (small, quoted-printable or 7bit) message.
function decoded(data: string): string {
  const bytes = data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

interface Received {
  at: number;
  body: Record<string, unknown>;
  authorization: string | undefined;
}

function startReceiver(port: number, received: Received[]): Promise<Server> {
  const server = createServer((request, response) => {
    let text = "";
    request.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    request.on("end", () => {
      if (request.method === "POST" && request.url === "/hook") received.push({ at: Date.now(), body: JSON.parse(text) as Record<string, unknown>, authorization: request.headers.authorization });
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
  let mail: SmtpReceiver | null = null;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    receiver = await startReceiver(port, received);
    if ("python" in smtp) mail = await startSmtpReceiver(smtp.python);
  });
  afterAll(async () => {
    await new Promise((resolve) => receiver?.close(resolve));
    await mail?.close();
  });

  it("a failing greeting run makes the webhook receiver get one POST and the SMTP server one email naming the run within 10 s", async () => {
    const env = cliEnv(database.url, database.dir, { WEIR_SECRET_KEY: SECRET_KEY });
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
    headers: { authorization: "${SECRET_HEADER}" }
${mail === null ? "" : `  - type: email\n    to: ops@example.com\n    smtp: ${mail.url}\n`}`,
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
      // The secret header was sealed at rest and unsealed to send.
      expect(received[0]!.authorization).toBe(SECRET_HEADER);
      if (mail !== null) {
        const [email] = await mail.waitFor(1, Math.max(0, deadline - Date.now()));
        expect(Date.now() - failedAt).toBeLessThan(10_000);
        expect(email!.rcpt_tos).toEqual(["ops@example.com"]);
        const text = decoded(email!.data);
        expect(text).toContain(`Flow run '${failed!.name}' of greeting is Failed`);
        expect(text).toContain(`/runs/${failed!.id}`);
      }
      // One POST and one email only: nothing more arrives once the services have run several more passes.
      await new Promise((resolve) => setTimeout(resolve, 3000));
      expect(received).toHaveLength(1);
      if (mail !== null) expect(mail.messages()).toHaveLength(1);
      const history = await runCli(["automation", "history", "tell-me-when-greeting-fails", "--json"], { ...env, WEIR_API_URL: url });
      expect(JSON.parse(history.stdout)).toMatchObject([
        { flowRunId: failed!.id, eventName: "flow-run.Failed", actions: [{ type: "webhook", status: "done" }, ...(mail === null ? [] : [{ type: "email", status: "done" }])] },
      ]);
      // The stored automation and deliveries hold no secret in clear; the API reads ****.
      const opened = await openOrchestration({ databaseUrl: database.url });
      try {
        const rows = await opened.context.database.db.selectFrom("automations").select("actions").execute();
        const deliveries = await opened.context.database.db.selectFrom("notification_deliveries").select(["action", "target"]).execute();
        expect(rows).toHaveLength(1);
        expect(deliveries).toHaveLength(mail === null ? 1 : 2);
        expect(JSON.stringify(rows) + JSON.stringify(deliveries)).not.toContain("e2e-secret-token");
        expect(rows[0]!.actions).toContain("$sealed");
      } finally {
        await opened.close();
      }
      const shown = await runCli(["automation", "ls", "--json"], { ...env, WEIR_API_URL: url });
      expect(shown.stdout).not.toContain("e2e-secret-token");
      expect((JSON.parse(shown.stdout) as { actions: unknown[] }[])[0]!.actions[0]).toMatchObject({ type: "webhook", headers: { authorization: "****" } });
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
