/**
 * The bodies of the chat webhooks: Slack (`text` + Block Kit `blocks`), Microsoft Teams (an
 * Adaptive Card in a `message`, what Teams Workflows webhooks take), Discord (`content` + one
 * embed, no mentions). Each fits the service's documented limits (texts are cut, not refused).
 */
import type { RenderedNotificationMessage } from "../../core/notification-deliveries.js";
import { notificationColour } from "./render-notification.js";

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

// Slack's mrkdwn treats &, < and > as markup.
function slackEscape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

function facts(message: RenderedNotificationMessage): { name: string; value: string }[] {
  const list: { name: string; value: string }[] = [];
  if (message.flowRun) list.push({ name: "State", value: message.flowRun.stateName + (message.flowRun.stateMessage ? ` — ${message.flowRun.stateMessage}` : "") });
  if (message.flow) list.push({ name: "Flow", value: message.flow.name });
  if (message.deployment) list.push({ name: "Deployment", value: message.deployment.name });
  list.push({ name: "Event", value: `${message.event.name} at ${message.event.occurredAt}` });
  if (message.automation) list.push({ name: "Automation", value: message.automation.name });
  return list;
}

/** A Slack incoming-webhook body; `text` (rendered) replaces the summary. */
export function slackPayload(message: RenderedNotificationMessage, text: string | null): Record<string, unknown> {
  const body = text ?? message.summary;
  const link = message.dashboardUrl === null ? "" : `\n<${message.dashboardUrl}|Open in Weir>`;
  return {
    text: cut(`${message.title}\n${body}`, 3000),
    blocks: [
      { type: "header", text: { type: "plain_text", text: cut(message.title, 150), emoji: false } },
      { type: "section", text: { type: "mrkdwn", text: cut(slackEscape(body) + link, 3000) } },
    ],
  };
}

/** A Teams body: one Adaptive Card with the title, the text and the facts, and a link to the run. */
export function teamsPayload(message: RenderedNotificationMessage, text: string | null): Record<string, unknown> {
  const isFailure = notificationColour(message) === 0xd0312d;
  const card = {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    body: [
      { type: "TextBlock", text: cut(message.title, 500), weight: "Bolder", size: "Medium", wrap: true, ...(isFailure ? { color: "Attention" } : {}) },
      ...(text === null ? [] : [{ type: "TextBlock", text: cut(text, 10_000), wrap: true }]),
      { type: "FactSet", facts: facts(message).map((fact) => ({ title: fact.name, value: cut(fact.value, 1000) })) },
    ],
    ...(message.dashboardUrl === null ? {} : { actions: [{ type: "Action.OpenUrl", title: "Open in Weir", url: message.dashboardUrl }] }),
  };
  return { type: "message", summary: cut(message.title, 200), attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

/** A Discord webhook body: `content` (the title, or `text`) and one embed with the facts. */
export function discordPayload(message: RenderedNotificationMessage, text: string | null): Record<string, unknown> {
  return {
    content: cut(text ?? message.title, 2000),
    allowed_mentions: { parse: [] },
    embeds: [
      {
        title: cut(message.title, 256),
        description: cut(message.summary, 4096),
        ...(message.dashboardUrl === null ? {} : { url: message.dashboardUrl }),
        color: notificationColour(message),
        timestamp: message.event.occurredAt,
        fields: facts(message).slice(0, 25).map((fact) => ({ name: cut(fact.name, 256), value: cut(fact.value, 1024), inline: fact.name !== "Event" })),
      },
    ],
  };
}
