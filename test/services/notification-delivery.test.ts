/**
 * The notification-delivery service against a real HTTP receiver, on SQLite or PostgreSQL
 * (WEIR_TEST_DB): what each kind sends, retries with backoff, refusals, timeouts, secrets kept
 * out of records, slow receivers not holding up others, a stop giving rows back, and two
 * services over one database sending each notification once.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NotificationAction } from "../../src/core/notification-actions.js";
import type { NotificationDelivery, NotificationMessage } from "../../src/core/notification-deliveries.js";
import { STATE_TYPE_OF_NAME } from "../../src/core/states.js";
import { openOrchestration, type OpenedOrchestration } from "../../src/orchestration/create-orchestration.js";
import { buildFlowRunNotificationMessage } from "../../src/orchestration/notifications/notification-message.js";
import { createNotificationOutbox } from "../../src/orchestration/notifications/notification-outbox.js";
import { setNotificationServerUrl } from "../../src/orchestration/notifications/notification-runtime.js";
import { createSecretKeySource } from "../../src/orchestration/secret-key-source.js";
import type { Leadership } from "../../src/services/leadership.js";
import { notificationBackoffSeconds } from "../../src/services/notification-delivery-service.js";
import { startServices, type RunningServices } from "../../src/services/start-services.js";
import { freePort } from "../helpers/free-port.js";
import { startHttpReceiver, type HttpReceiver } from "../helpers/http-receiver.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";

// The server key of notification secrets (a PostgreSQL server has no key file to fall back on).
const previousKey = process.env.WEIR_SECRET_KEY;
process.env.WEIR_SECRET_KEY = "notification-tests-passphrase-0123456789";

const alwaysLeader: Leadership = { isLeader: async () => true, release: async () => undefined };

const set = useTestOrchestration();
let receiver: HttpReceiver;
let services: RunningServices | null = null;
let message: NotificationMessage;
const errors: unknown[] = [];

function startDelivery(opened: OpenedOrchestration = set.opened, extra: { concurrency?: number } = {}): RunningServices {
  return startServices(opened.context, {
    enabled: { scheduler: false, "late-runs": false, "crash-detection": false, "cancellation-cleanup": false, "lease-expiry": false },
    notificationBackoffSeconds: 0.05,
    notificationIntervalSeconds: 1,
    ...(extra.concurrency === undefined ? {} : { notificationConcurrency: extra.concurrency }),
    leadership: alwaysLeader,
    onError: (error) => errors.push(error),
  });
}

async function waitForStatus(id: string, statuses: NotificationDelivery["status"][], timeoutMs = 10_000): Promise<NotificationDelivery> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const delivery = await set.client.getNotificationDelivery(id);
    if (statuses.includes(delivery.status)) return delivery;
    if (Date.now() > deadline) throw new Error(`delivery ${id} is ${delivery.status} (${delivery.lastError ?? ""}), not ${statuses.join("/")}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function enqueue(action: NotificationAction, maxAttempts?: number): Promise<NotificationDelivery> {
  return createNotificationOutbox(set.opened.context).enqueue({ action, message, automationId: "automation-1", ...(maxAttempts === undefined ? {} : { maxAttempts }) });
}

beforeAll(async () => {
  receiver = await startHttpReceiver();
  const api = set.opened.orchestration;
  const deployment = await api.upsertDeployment({ name: "nightly", flowName: "greeting", entrypoint: "flows.ts:greeting" });
  const run = await api.createDeploymentFlowRun(deployment.id);
  const failed = { id: crypto.randomUUID(), type: STATE_TYPE_OF_NAME.Failed, name: "Failed" as const, timestamp: new Date().toISOString(), message: "boom: greeting failed" };
  await api.setFlowRunState(run.id, { state: failed, force: true });
  message = await buildFlowRunNotificationMessage(set.opened.context.database.db, { flowRunId: run.id, eventName: "flow-run.Failed", automation: { id: "automation-1", name: "tell-me" } });
  setNotificationServerUrl(set.opened.context.database, "http://127.0.0.1:4200");
});

afterEach(async () => {
  await services?.stop();
  services = null;
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await receiver?.close();
  if (previousKey === undefined) delete process.env.WEIR_SECRET_KEY;
  else process.env.WEIR_SECRET_KEY = previousKey;
});

describe("notification delivery", () => {
  it("sends a webhook within a second of the enqueue: the JSON names the event, the run, its flow and deployment, and links to the dashboard", async () => {
    services = startDelivery();
    const startedAt = Date.now();
    const delivery = await enqueue({ type: "webhook", url: `${receiver.url}/hook` });
    expect(delivery).toMatchObject({ status: "pending", target: `POST ${receiver.url}/hook`, attempts: 0, automationId: "automation-1" });
    const [request] = await receiver.waitFor("/hook", 1, 5000);
    expect(request!.at - startedAt).toBeLessThan(1000);
    expect(request!.method).toBe("POST");
    expect(request!.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(request!.body);
    expect(body).toMatchObject({
      event: { name: "flow-run.Failed" },
      flowRun: { id: message.flowRun!.id, name: message.flowRun!.name, stateName: "Failed", stateMessage: "boom: greeting failed" },
      flow: { name: "greeting" },
      deployment: { name: "greeting/nightly" },
      automation: { id: "automation-1", name: "tell-me" },
      dashboardUrl: `http://127.0.0.1:4200/runs/${message.flowRun!.id}`,
    });
    expect(body.title).toContain("is Failed");
    const sent = await waitForStatus(delivery.id, ["sent"]);
    expect(sent).toMatchObject({ attempts: 1, lastError: null, nextAttemptAt: null });
    expect(sent.sentAt).not.toBeNull();
  });

  it("renders a webhook's body template and sends its headers; the headers are secret", async () => {
    services = startDelivery();
    const delivery = await enqueue({
      type: "webhook",
      url: `${receiver.url}/templated?token=abc123secret`,
      method: "PUT",
      headers: { Authorization: "Bearer s3cr3t-token", "Content-Type": "application/vnd.weir+json" },
      body: { text: "{{ flowRun.name }} of {{ flow.name }} is {{ flowRun.stateName }}", link: "{{ dashboardUrl }}", n: 3 },
    });
    expect(delivery.target).toBe(`PUT ${receiver.url}/templated?****`);
    const [request] = await receiver.waitFor("/templated");
    expect(request!.method).toBe("PUT");
    expect(request!.headers.authorization).toBe("Bearer s3cr3t-token");
    expect(request!.headers["content-type"]).toBe("application/vnd.weir+json");
    expect(JSON.parse(request!.body)).toEqual({ text: `${message.flowRun!.name} of greeting is Failed`, link: `http://127.0.0.1:4200/runs/${message.flowRun!.id}`, n: 3 });
    await waitForStatus(delivery.id, ["sent"]);
    // At rest: the redacted action in clear, the rest encrypted.
    const row = await set.opened.context.database.db.selectFrom("notification_deliveries").selectAll().where("id", "=", delivery.id).executeTakeFirstOrThrow();
    const stored = JSON.stringify(row);
    expect(stored).not.toContain("s3cr3t-token");
    expect(stored).not.toContain("abc123secret");
    expect(row.sealed_action).toMatch(/^weir-secret:v1:/);
    expect(JSON.parse(row.action)).toMatchObject({ headers: { Authorization: "****" }, url: `${receiver.url}/templated?****` });
  });

  it("sends Slack, Teams and Discord messages in their formats, showing their URLs redacted", async () => {
    services = startDelivery();
    const slack = await enqueue({ type: "slack", url: `${receiver.url}/services/T000/B000/XXXXSECRET` });
    const teams = await enqueue({ type: "teams", url: `${receiver.url}/workflows/teams-secret-path`, text: "Run {{ flowRun.name }} failed" });
    const discord = await enqueue({ type: "discord", url: `${receiver.url}/api/webhooks/1/discord-secret` });
    expect([slack.target, teams.target, discord.target]).toEqual([`${receiver.url}/****`, `${receiver.url}/****`, `${receiver.url}/****`]);

    const slackBody = JSON.parse((await receiver.waitFor("/services/T000/B000/XXXXSECRET"))[0]!.body);
    expect(slackBody.text).toContain("is Failed");
    expect(slackBody.blocks[0]).toMatchObject({ type: "header", text: { type: "plain_text" } });
    expect(slackBody.blocks[1].text.text).toContain(`<http://127.0.0.1:4200/runs/${message.flowRun!.id}|Open in Weir>`);

    const teamsBody = JSON.parse((await receiver.waitFor("/workflows/teams-secret-path"))[0]!.body);
    expect(teamsBody.type).toBe("message");
    const card = teamsBody.attachments[0];
    expect(card.contentType).toBe("application/vnd.microsoft.card.adaptive");
    expect(card.content.type).toBe("AdaptiveCard");
    expect(card.content.body[1].text).toBe(`Run ${message.flowRun!.name} failed`);
    expect(card.content.body[2].facts).toContainEqual({ title: "Deployment", value: "greeting/nightly" });
    expect(card.content.actions[0]).toMatchObject({ type: "Action.OpenUrl", url: `http://127.0.0.1:4200/runs/${message.flowRun!.id}` });

    const discordBody = JSON.parse((await receiver.waitFor("/api/webhooks/1/discord-secret"))[0]!.body);
    expect(discordBody.content).toContain("is Failed");
    expect(discordBody.allowed_mentions).toEqual({ parse: [] });
    expect(discordBody.embeds[0]).toMatchObject({ url: `http://127.0.0.1:4200/runs/${message.flowRun!.id}`, color: 0xd0312d });

    for (const delivery of [slack, teams, discord]) await waitForStatus(delivery.id, ["sent"]);
    const listed = await set.client.listNotificationDeliveries({ status: ["sent"] }, { limit: 100 });
    expect(JSON.stringify(listed)).not.toMatch(/XXXXSECRET|teams-secret-path|discord-secret/);
  });

  it("retries a 500 with backoff and records the success", async () => {
    receiver.script("/flaky", { statuses: [500, 503, 200] });
    services = startDelivery();
    const delivery = await enqueue({ type: "webhook", url: `${receiver.url}/flaky` });
    const sent = await waitForStatus(delivery.id, ["sent"]);
    expect(sent.attempts).toBe(3);
    expect(sent.lastError).toBeNull();
    const requests = receiver.to("/flaky");
    expect(requests).toHaveLength(3);
    // Backoff 0.05 s, then 0.1 s (±20 %).
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(35);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(75);
  });

  it("gives up after maxAttempts, and at once on a refusal, saying why", async () => {
    receiver.script("/down", { statuses: [500] });
    receiver.script("/gone", { statuses: [404] });
    services = startDelivery();
    const down = await enqueue({ type: "webhook", url: `${receiver.url}/down` }, 3);
    const gone = await enqueue({ type: "webhook", url: `${receiver.url}/gone` }, 3);
    const downFailed = await waitForStatus(down.id, ["failed"]);
    expect(downFailed.attempts).toBe(3);
    expect(downFailed.lastError).toBe("gave up after 3 attempts: HTTP 500 Internal Server Error: receiver says no (500)");
    const goneFailed = await waitForStatus(gone.id, ["failed"]);
    expect(goneFailed.attempts).toBe(1);
    expect(goneFailed.lastError).toBe("HTTP 404 Not Found: receiver says no (404)");
    expect(receiver.to("/gone")).toHaveLength(1);
    expect((await set.client.listNotificationDeliveries({ status: ["failed"] })).items.map((delivery) => delivery.id)).toEqual(expect.arrayContaining([down.id, gone.id]));
  });

  it("honours Retry-After on 429", async () => {
    receiver.script("/busy", { statuses: [429, 200], headers: { "retry-after": "1" } });
    services = startDelivery();
    const delivery = await enqueue({ type: "webhook", url: `${receiver.url}/busy` });
    await waitForStatus(delivery.id, ["sent"]);
    const [first, second] = receiver.to("/busy");
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it("records a network error without the URL's secret", async () => {
    services = startDelivery();
    const port = await freePort();
    const delivery = await enqueue({ type: "slack", url: `http://127.0.0.1:${port}/services/T/B/very-secret-slack-token` }, 1);
    const failed = await waitForStatus(delivery.id, ["failed"]);
    expect(failed.lastError).toMatch(/fetch failed.*ECONNREFUSED/);
    expect(failed.lastError).not.toContain("very-secret-slack-token");
    expect(failed.target).toBe(`http://127.0.0.1:${port}/****`);
  });

  it("never lets a slow receiver hold up the others", async () => {
    receiver.script("/slow", { delayMs: 2000 });
    services = startDelivery();
    const slow = await enqueue({ type: "webhook", url: `${receiver.url}/slow` });
    await receiver.waitFor("/slow");
    const startedAt = Date.now();
    const fast = await enqueue({ type: "webhook", url: `${receiver.url}/fast` });
    await receiver.waitFor("/fast", 1, 5000);
    expect(Date.now() - startedAt).toBeLessThan(1000);
    await waitForStatus(fast.id, ["sent"]);
    expect((await set.client.getNotificationDelivery(slow.id)).status).toBe("sending");
    await waitForStatus(slow.id, ["sent"]);
  });

  it("gives a send in flight back untried when the services stop", async () => {
    receiver.script("/hangs", { hangs: true });
    services = startDelivery();
    const delivery = await enqueue({ type: "webhook", url: `${receiver.url}/hangs` });
    await receiver.waitFor("/hangs");
    expect((await set.client.getNotificationDelivery(delivery.id)).status).toBe("sending");
    await services.stop();
    services = null;
    expect(await set.client.getNotificationDelivery(delivery.id)).toMatchObject({ status: "pending", attempts: 0 });
    // Sent on the next start.
    receiver.script("/hangs", {});
    services = startDelivery();
    expect((await waitForStatus(delivery.id, ["sent"])).attempts).toBe(1);
  });

  it("sends each notification once with two services on one database", async () => {
    const other = set.database.engine === "postgres" ? await openOrchestration({ databaseUrl: set.database.url }) : null;
    const first = startDelivery(set.opened, { concurrency: 4 });
    const second = startDelivery(other ?? set.opened, { concurrency: 4 });
    try {
      const ids = await Promise.all(Array.from({ length: 30 }, (_, index) => enqueue({ type: "webhook", url: `${receiver.url}/many?n=${index}` }).then((d) => d.id)));
      await receiver.waitFor("/many", 30);
      for (const id of ids) await waitForStatus(id, ["sent"]);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const paths = receiver.to("/many").map((request) => request.path);
      expect(paths).toHaveLength(30);
      expect(new Set(paths).size).toBe(30);
    } finally {
      await first.stop();
      await second.stop();
      await other?.close();
    }
  });

  it("needs no server key for a plain webhook, and refuses secrets without one, naming WEIR_SECRET_KEY", async () => {
    const keyless = createNotificationOutbox({ ...set.opened.context, secretKey: createSecretKeySource({ allowsKeyFile: false, env: {} }) });
    const plain = await keyless.enqueue({ action: { type: "webhook", url: `${receiver.url}/plain` }, message });
    expect(plain.status).toBe("pending");
    await expect(keyless.enqueue({ action: { type: "discord", url: `${receiver.url}/api/webhooks/9/token` }, message })).rejects.toMatchObject({
      code: "CONFLICT",
      message: expect.stringMatching(/^the secrets of notification actions need a server key: set WEIR_SECRET_KEY/),
    });
    await expect(keyless.enqueue({ action: { type: "webhook", url: "ftp://example.com/x" } as never, message })).rejects.toMatchObject({
      code: "VALIDATION",
      message: expect.stringContaining("action.url: must be an http:// or https:// URL"),
    });
    services = startDelivery();
    await waitForStatus(plain.id, ["sent"]);
  });

  it("backs off exponentially up to 600 seconds, with jitter", () => {
    expect(notificationBackoffSeconds(1, 10, () => 0.5)).toBe(10);
    expect(notificationBackoffSeconds(3, 10, () => 0.5)).toBe(40);
    expect(notificationBackoffSeconds(20, 10, () => 0.5)).toBe(600);
    expect(notificationBackoffSeconds(1, 10, () => 0)).toBe(8);
    expect(notificationBackoffSeconds(1, 10, () => 0.999_999)).toBeCloseTo(12, 3);
  });
});
