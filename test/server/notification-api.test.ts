/**
 * Notifications through a real server (both databases) and the real `weir` CLI: the test send,
 * the list with filters, refusals naming the field, secrets shown as ****, the server's own
 * delivery service sending an enqueued notification with a link to its own dashboard, and
 * `weir notification test|ls|show` over HTTP and embedded.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../../src/client/http-client.js";
import type { NotificationDelivery } from "../../src/core/notification-deliveries.js";
import { createNotificationOutbox } from "../../src/orchestration/notifications/notification-outbox.js";
import { testNotificationMessage } from "../../src/orchestration/notifications/notification-message.js";
import { cliEnv, runCli } from "../cli/run-cli.js";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { useTestServer } from "../helpers/test-server.js";

const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = "q3W2m8vX0c1Zb6Yt9Rj4Lk7Hs5Df2Ga8Pq1Wn3Ee0Ug=";

const { database, server } = useTestServer({
  runServices: true,
  servicesOptions: { enabled: { scheduler: false, "late-runs": false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false } },
});
let client: HttpClient;
let receiver: HttpReceiver;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  client = new HttpClient({ apiUrl: `${server.url}/api` });
  receiver = await startHttpReceiver();
  receiver.script("/refuses", { statuses: [403] });
  env = cliEnv(`sqlite://${database.dir}/unused/never-opened.db`, database.dir, { WEIR_API_URL: `${server.url}/api`, WEIR_SECRET_KEY: process.env.WEIR_SECRET_KEY ?? "" });
});
afterAll(async () => {
  await client?.close();
  await receiver?.close();
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

function writeFile(name: string, text: string): string {
  const dir = join(database.dir, "actions");
  mkdirSync(dir, { recursive: true });
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe("notifications API", () => {
  it("sends a test notification now and answers the recorded delivery", async () => {
    const delivery = await client.testNotification({ type: "webhook", url: `${receiver.url}/api-test` });
    expect(delivery).toMatchObject({ status: "sent", attempts: 1, maxAttempts: 1, actionType: "webhook", target: `POST ${receiver.url}/api-test`, automationId: null });
    const body = JSON.parse(receiver.to("/api-test")[0]!.body);
    expect(body).toMatchObject({ title: "Test notification from Weir", event: { name: "notification.test" }, dashboardUrl: `${server.url}/` });
    const refused = await client.testNotification({ type: "webhook", url: `${receiver.url}/refuses` });
    expect(refused).toMatchObject({ status: "failed", lastError: "HTTP 403 Forbidden: receiver says no (403)" });
  });

  it("sends the message about a flow run when asked", async () => {
    const run = await client.createFlowRun({ flowName: "greeting", name: "named-run" });
    await client.testNotification({ type: "webhook", url: `${receiver.url}/about-run` }, { flowRunId: run.id });
    const body = JSON.parse(receiver.to("/about-run")[0]!.body);
    expect(body).toMatchObject({ flowRun: { id: run.id, name: "named-run" }, flow: { name: "greeting" }, dashboardUrl: `${server.url}/runs/${run.id}` });
    await expect(client.testNotification({ type: "webhook", url: `${receiver.url}/about-run` }, { flowRunId: "missing-run" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("refuses bad actions and filters, naming the field", async () => {
    const bad = await fetch(`${server.url}/api/notifications/test`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: { type: "webhook", url: "not a url" } }) });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain("action.url");
    const unknownType = await fetch(`${server.url}/api/notifications/test`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: { type: "pager", url: "http://x" } }) });
    expect(unknownType.status).toBe(422);
    const email = await fetch(`${server.url}/api/notifications/test`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ action: { type: "email", to: "not-an-address" } }) });
    expect(await email.text()).toContain("must be an email address");
    expect((await fetch(`${server.url}/api/notifications?status=lost`)).status).toBe(422);
    expect((await fetch(`${server.url}/api/notifications/${crypto.randomUUID()}`)).status).toBe(404);
  });

  it("shows secrets as **** in every answer", async () => {
    const delivery = await client.testNotification({ type: "slack", url: `${receiver.url}/services/T1/B1/slack-token-abcdef` });
    expect(delivery.status).toBe("sent");
    expect(delivery.target).toBe(`${receiver.url}/****`);
    const listed = await (await fetch(`${server.url}/api/notifications?limit=1000`)).text();
    expect(listed).not.toContain("slack-token-abcdef");
    expect(listed).toContain(delivery.id);
  });

  it("sends an enqueued notification from the server's delivery service within a second, linking to the server's dashboard", async () => {
    const startedAt = Date.now();
    const enqueued = await createNotificationOutbox(server.context).enqueue({ action: { type: "webhook", url: `${receiver.url}/from-service` }, message: testNotificationMessage(new Date()) });
    const [request] = await receiver.waitFor("/from-service", 1, 5000);
    expect(request!.at - startedAt).toBeLessThan(1500); // woken at once (typically under 200 ms); the margin is for a loaded machine
    expect(JSON.parse(request!.body).dashboardUrl).toBe(`${server.url}/`);
    for (let attempt = 0; attempt < 100 && (await client.getNotificationDelivery(enqueued.id)).status !== "sent"; attempt++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await client.getNotificationDelivery(enqueued.id)).status).toBe("sent");
  });

  it("pages the list newest first and filters by status", async () => {
    const all: NotificationDelivery[] = [];
    let cursor: string | null = null;
    do {
      const page: Awaited<ReturnType<HttpClient["listNotificationDeliveries"]>> = await client.listNotificationDeliveries({}, { limit: 2, cursor });
      all.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== null);
    expect(all.length).toBeGreaterThanOrEqual(5);
    expect(all.map((d) => d.createdAt)).toEqual([...all.map((d) => d.createdAt)].sort().reverse());
    expect(new Set(all.map((d) => d.id)).size).toBe(all.length);
    const failed = await client.listNotificationDeliveries({ status: ["failed"] });
    expect(failed.items.length).toBeGreaterThan(0);
    expect(failed.items.every((d) => d.status === "failed")).toBe(true);
  });
});

describe("weir notification", () => {
  it("test -f sends each notification action of a file and exits 1 when one failed; ls and show list them", async () => {
    const single = writeFile("hook.yaml", `type: webhook\nurl: ${receiver.url}/cli-hook\n`);
    const ok = await runCli(["notification", "test", "-f", single], env);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toBe(`webhook → POST ${receiver.url}/cli-hook: sent\n`);
    expect(ok.code).toBe(0);
    expect(receiver.to("/cli-hook")).toHaveLength(1);

    const automation = writeFile(
      "automation.yaml",
      [
        "name: tell-me-when-greeting-fails",
        "trigger:",
        "  expect: [flow-run.Failed, flow-run.Crashed]",
        "  match: { flow: greeting }",
        "actions:",
        "  - type: webhook",
        `    url: ${receiver.url}/cli-automation`,
        "  - type: cancel-flow-run",
        "  - type: discord",
        `    url: ${receiver.url}/refuses`,
        "",
      ].join("\n"),
    );
    const mixed = await runCli(["notification", "test", "-f", automation], env);
    expect(mixed.stdout).toContain(`webhook → POST ${receiver.url}/cli-automation: sent`);
    expect(mixed.stdout).toContain(`discord → ${receiver.url}/****: failed: HTTP 403 Forbidden`);
    expect(mixed.code).toBe(1);

    const ls = await runCli(["notification", "ls", "--status", "failed"], env);
    expect(ls.code).toBe(0);
    expect(ls.stdout).toContain("discord");
    expect(ls.stdout).toContain("HTTP 403");
    expect(ls.stdout).not.toContain("cli-automation");
    const json = await runCli(["notification", "ls", "--json", "--limit", "3"], env);
    const items = JSON.parse(json.stdout) as NotificationDelivery[];
    expect(items).toHaveLength(3);
    const show = await runCli(["notification", "show", items[0]!.id], env);
    expect(show.stdout).toContain(`id: ${items[0]!.id}`);
    expect(show.code).toBe(0);
  }, 120_000);

  it("names what is wrong in a bad file", async () => {
    const bad = writeFile("bad.yaml", "type: webhook\nurl: ftp://example.com/x\n");
    const result = await runCli(["notification", "test", "-f", bad], env);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain("url: must be an http:// or https:// URL");
    const none = writeFile("none.yaml", "name: x\nactions:\n  - type: cancel-flow-run\n");
    const noneResult = await runCli(["notification", "test", "-f", none], env);
    expect(noneResult.stderr).toContain("no notification action");
  }, 60_000);

  it("works embedded, without a server", async () => {
    const embedded = cliEnv(`sqlite://${join(database.dir, "embedded", "weir.db")}`, join(database.dir, "embedded"));
    mkdirSync(join(database.dir, "embedded"), { recursive: true });
    const single = writeFile("embedded.json", JSON.stringify({ type: "teams", url: `${receiver.url}/embedded-teams` }));
    const result = await runCli(["notification", "test", "-f", single], embedded);
    expect(result.stderr).toBe("");
    expect(result.stdout).toBe(`teams → ${receiver.url}/****: sent\n`);
    expect(JSON.parse(receiver.to("/embedded-teams")[0]!.body).attachments[0].content.type).toBe("AdaptiveCard");
  }, 60_000);
});
