/**
 * Email notifications through a real SMTP server (aiosmtpd from PyPI, started by the test), on
 * SQLite or PostgreSQL: the message (subject, text and HTML parts, recipients), the server's
 * WEIR_SMTP_URL and WEIR_SMTP_FROM, a refused recipient (550: not retried), a busy one (451:
 * retried until the attempts run out), and the test send of the API.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { NotificationDelivery, NotificationMessage } from "../../src/core/notification-deliveries.js";
import { createNotificationOutbox } from "../../src/orchestration/notifications/notification-outbox.js";
import { setNotificationServerUrl } from "../../src/orchestration/notifications/notification-runtime.js";
import type { RunningServices } from "../../src/services/start-services.js";
import { aiosmtpdPython, startSmtpReceiver, type SmtpReceiver } from "../helpers/smtp-receiver.js";
import { useTestOrchestration } from "../helpers/test-orchestration.js";
import { failedGreetingMessage, startDeliveryServices, waitForDelivery } from "./notification-test-kit.js";

const smtp = aiosmtpdPython();
if ("reason" in smtp) console.warn(`notification-email tests skipped: ${smtp.reason}`);

const previousEnv = { url: process.env.WEIR_SMTP_URL, from: process.env.WEIR_SMTP_FROM, key: process.env.WEIR_SECRET_KEY };
process.env.WEIR_SECRET_KEY = "notification-tests-passphrase-0123456789";

function restore(name: string, value: string | undefined): void {
  if (value === undefined) delete process.env[name];
  else process.env[name] = value;
}

// The decoded text of each MIME part of a (small, quoted-printable or 7bit) message.
function decoded(data: string): string {
  const bytes = data.replace(/=\r?\n/g, "").replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, "latin1").toString("utf8");
}

describe.skipIf("reason" in smtp)("email notifications over SMTP", () => {
  const set = useTestOrchestration();
  let server: SmtpReceiver;
  let services: RunningServices | null = null;
  let message: NotificationMessage;
  const errors: unknown[] = [];

  beforeAll(async () => {
    server = await startSmtpReceiver((smtp as { python: string }).python);
    message = await failedGreetingMessage(set.opened);
    setNotificationServerUrl(set.opened.context.database, "http://weir.example.com:4200");
  });
  afterEach(async () => {
    await services?.stop();
    services = null;
    expect(errors).toEqual([]);
  });
  afterAll(async () => {
    await server?.close();
    restore("WEIR_SMTP_URL", previousEnv.url);
    restore("WEIR_SMTP_FROM", previousEnv.from);
    restore("WEIR_SECRET_KEY", previousEnv.key);
  });

  const enqueue = (action: Parameters<ReturnType<typeof createNotificationOutbox>["enqueue"]>[0]["action"], maxAttempts?: number): Promise<NotificationDelivery> =>
    createNotificationOutbox(set.opened.context).enqueue({ action, message, ...(maxAttempts === undefined ? {} : { maxAttempts }) });

  it("sends an email with a text and an HTML part naming the run, its flow and deployment, with the dashboard link", async () => {
    services = startDeliveryServices(set.opened, (error) => errors.push(error));
    const before = server.messages().length;
    const delivery = await enqueue({ type: "email", to: ["ops@example.com", "dev@example.com"], from: "weir@example.com", smtp: server.url });
    expect(delivery.target).toBe(`ops@example.com, dev@example.com via ${server.url}`);
    const mail = (await server.waitFor(before + 1)).at(-1)!;
    expect(mail.mail_from).toBe("weir@example.com");
    expect(mail.rcpt_tos).toEqual(["ops@example.com", "dev@example.com"]);
    const text = decoded(mail.data);
    expect(text).toContain(`Subject: Flow run '${message.flowRun!.name}' of greeting is Failed`);
    expect(text).toMatch(/Content-Type: text\/plain/);
    expect(text).toMatch(/Content-Type: text\/html/);
    expect(text).toContain("State: Failed — boom: greeting failed");
    expect(text).toContain("Deployment: greeting/nightly");
    expect(text).toContain(`http://weir.example.com:4200/runs/${message.flowRun!.id}`);
    expect(text).toContain(`<a href="http://weir.example.com:4200/runs/${message.flowRun!.id}">Open in Weir</a>`);
    const sent = await waitForDelivery(set.client, delivery.id, ["sent"]);
    expect(sent.attempts).toBe(1);
  });

  it("uses WEIR_SMTP_URL and WEIR_SMTP_FROM when the action names no server, and renders subject and body templates", async () => {
    process.env.WEIR_SMTP_URL = server.url;
    process.env.WEIR_SMTP_FROM = "alerts@weir.example.com";
    services = startDeliveryServices(set.opened, (error) => errors.push(error));
    const before = server.messages().length;
    const delivery = await enqueue({ type: "email", to: "oncall@example.com", subject: "[weir] {{ flow.name }}: {{ flowRun.stateName }}", body: "Run {{ flowRun.name }} said: {{ flowRun.stateMessage }}" });
    expect(delivery.target).toBe("oncall@example.com via WEIR_SMTP_URL");
    const mail = (await server.waitFor(before + 1)).at(-1)!;
    expect(mail.mail_from).toBe("alerts@weir.example.com");
    const text = decoded(mail.data);
    expect(text).toContain("Subject: [weir] greeting: Failed");
    expect(text).toContain(`Run ${message.flowRun!.name} said: boom: greeting failed`);
    await waitForDelivery(set.client, delivery.id, ["sent"]);
  });

  it("gives up at once on a refused recipient (550) and retries a busy one (451) until the attempts run out", async () => {
    services = startDeliveryServices(set.opened, (error) => errors.push(error));
    const refused = await enqueue({ type: "email", to: "nobody@example.com", smtp: server.url }, 3);
    const busy = await enqueue({ type: "email", to: "later@example.com", smtp: server.url }, 2);
    const refusedFailed = await waitForDelivery(set.client, refused.id, ["failed"]);
    expect(refusedFailed.attempts).toBe(1);
    expect(refusedFailed.lastError).toMatch(/^SMTP 550: .*no such user here/);
    const busyFailed = await waitForDelivery(set.client, busy.id, ["failed"]);
    expect(busyFailed.attempts).toBe(2);
    expect(busyFailed.lastError).toMatch(/^gave up after 2 attempts: SMTP 451: .*try again later/);
  });

  it("fails, saying how to fix it, when there is no SMTP server at all", async () => {
    delete process.env.WEIR_SMTP_URL;
    services = startDeliveryServices(set.opened, (error) => errors.push(error));
    const delivery = await enqueue({ type: "email", to: "ops@example.com" });
    const failed = await waitForDelivery(set.client, delivery.id, ["failed"]);
    expect(failed.lastError).toBe("no SMTP server: give the email action an smtp URL, or set WEIR_SMTP_URL on the server");
  });

  it("keeps the SMTP password out of records and answers (test send of the API)", async () => {
    const before = server.messages().length;
    // aiosmtpd offers no AUTH without TLS, so nodemailer refuses to send the credentials: the reason must not carry them.
    const delivery = await set.client.testNotification({ type: "email", to: "ops@example.com", smtp: `smtp://mailer:hunter2-secret@${server.url.slice("smtp://".length)}` });
    expect(delivery.target).toBe(`ops@example.com via smtp://mailer:****@${server.url.slice("smtp://".length)}`);
    expect(JSON.stringify(delivery)).not.toContain("hunter2-secret");
    const row = await set.opened.context.database.db.selectFrom("notification_deliveries").selectAll().where("id", "=", delivery.id).executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain("hunter2-secret");
    const plain = await set.client.testNotification({ type: "email", to: "ops@example.com", smtp: server.url });
    expect(plain).toMatchObject({ status: "sent", attempts: 1, maxAttempts: 1 });
    const mail = (await server.waitFor(before + 1)).at(-1)!;
    expect(decoded(mail.data)).toContain("Subject: Test notification from Weir");
  });
});
