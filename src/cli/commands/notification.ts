/**
 * `weir notification ls|show|test`: the deliveries of notifications (sent, pending, failed with
 * the reason) and a test send of an action written in YAML or JSON — a single action, or an
 * automation file whose notification `actions` are each tried.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { cliClient } from "../cli-client.js";
import { formatRelativeTime } from "../output/format-relative-time.js";
import { formatTable } from "../output/format-table.js";
import { printJson, printLine } from "../output/print-output.js";
import { collectValues } from "../parse-parameters.js";
import { parsePositiveInteger } from "../parse-positive-integer.js";
import { UsageError } from "../usage-error.js";
import { isNotificationActionType, parseNotificationAction, type NotificationAction } from "../../core/notification-actions.js";
import { NOTIFICATION_DELIVERY_STATUSES, type NotificationDelivery, type NotificationDeliveryStatus } from "../../core/notification-deliveries.js";

/** The notification actions of a file: the file itself when it is one, else its `actions` of a notification type. */
export function notificationActionsOfDocument(document: unknown, source: string): NotificationAction[] {
  if (document !== null && typeof document === "object" && !Array.isArray(document) && "actions" in document) {
    const actions = (document).actions;
    if (!Array.isArray(actions)) throw new UsageError(`${source}: 'actions' must be a list`);
    const found = actions.flatMap((action, index) => (isNotificationActionType((action as { type?: unknown } | null)?.type) ? [parseNotificationAction(action, `actions.${index}`)] : []));
    if (found.length === 0) throw new UsageError(`${source}: no notification action (webhook, slack, teams, discord, email) in 'actions'`);
    return found;
  }
  return [parseNotificationAction(document)];
}

function readDocument(path: string): unknown {
  const text = path === "-" ? readFileSync(0, "utf8") : readFileSync(path, "utf8");
  try {
    return parseYaml(text) as unknown;
  } catch (error) {
    throw new UsageError(`${path}: not YAML or JSON (${error instanceof Error ? error.message.split("\n")[0] : String(error)})`);
  }
}

function deliveryLine(delivery: NotificationDelivery): string {
  const outcome = delivery.status === "sent" ? "sent" : delivery.status === "failed" ? `failed: ${delivery.lastError ?? "unknown reason"}` : delivery.status;
  return `${delivery.actionType} → ${delivery.target}: ${outcome}`;
}

/** Register `weir notification`. */
export function registerNotificationCommand(program: Command): void {
  const notification = program.command("notification").description("notifications sent by automations: deliveries and test sends");

  notification
    .command("ls")
    .description("list notification deliveries, newest first")
    .option("--status <status>", `only these (repeatable): ${NOTIFICATION_DELIVERY_STATUSES.join(", ")}`, collectValues)
    .option("--automation <id>", "only those of this automation")
    .option("--limit <n>", "at most this many", (text) => parsePositiveInteger(text, "--limit"), 50)
    .option("--json", "print JSON")
    .action(async (options: { status?: string[]; automation?: string; limit: number; json?: boolean }) => {
      const client = await cliClient();
      const page = await client.listNotificationDeliveries(
        { ...(options.status ? { status: options.status as NotificationDeliveryStatus[] } : {}), ...(options.automation ? { automationId: options.automation } : {}) },
        { limit: Math.min(options.limit, 1000) },
      );
      if (options.json) return printJson(page.items);
      printLine(
        formatTable(
          [
            { header: "id", value: (d) => d.id.slice(0, 8) },
            { header: "created", value: (d) => formatRelativeTime(d.createdAt) },
            { header: "type", value: (d) => d.actionType },
            { header: "target", value: (d) => d.target, maxWidth: 50 },
            { header: "status", value: (d) => d.status },
            { header: "attempts", value: (d) => `${d.attempts}/${d.maxAttempts}` },
            { header: "about", value: (d) => d.message.title, maxWidth: 50 },
            { header: "last error", value: (d) => d.lastError ?? "", maxWidth: 60 },
          ],
          page.items,
          "No notifications.",
        ),
      );
    });

  notification
    .command("show")
    .description("show one delivery (its message, attempts and last error)")
    .argument("<id>", "delivery id")
    .option("--json", "print JSON")
    .action(async (id: string, options: { json?: boolean }) => {
      const delivery = await (await cliClient()).getNotificationDelivery(id);
      if (options.json) return printJson(delivery);
      printLine(deliveryLine(delivery));
      printLine(`id: ${delivery.id}`);
      printLine(`attempts: ${delivery.attempts}/${delivery.maxAttempts}${delivery.nextAttemptAt ? `, next at ${delivery.nextAttemptAt}` : ""}`);
      printLine(`created: ${delivery.createdAt}${delivery.sentAt ? `, sent: ${delivery.sentAt}` : ""}`);
      printLine(`message: ${delivery.message.title}`);
      printLine(delivery.message.summary.replace(/^/gm, "  "));
    });

  notification
    .command("test")
    .description("send a notification action once now (a sample message, or about --flow-run) and print the outcome")
    .requiredOption("-f, --file <path>", "a YAML or JSON file: one action (type: webhook|slack|teams|discord|email, …) or an automation with actions ('-': stdin)")
    .option("--flow-run <id>", "send the message about this flow run instead of a sample")
    .option("--json", "print the deliveries as JSON")
    .action(async (options: { file: string; flowRun?: string; json?: boolean }) => {
      const actions = notificationActionsOfDocument(readDocument(options.file), options.file);
      const client = await cliClient();
      const deliveries: NotificationDelivery[] = [];
      for (const action of actions) deliveries.push(await client.testNotification(action, options.flowRun === undefined ? {} : { flowRunId: options.flowRun }));
      if (options.json) printJson(deliveries);
      else for (const delivery of deliveries) printLine(deliveryLine(delivery));
      if (deliveries.some((delivery) => delivery.status !== "sent")) process.exitCode = 1;
    });
}
