/**
 * The notification actions of automations (DESIGN §10): what to send where when a trigger fires.
 *
 * | type      | sends                                                                           |
 * |-----------|---------------------------------------------------------------------------------|
 * | `webhook` | an HTTP POST (or PUT) of the JSON message, or of the rendered `body` template    |
 * | `slack`   | a Slack incoming-webhook message (`text` + `blocks`)                             |
 * | `teams`   | a Microsoft Teams incoming-webhook MessageCard                                   |
 * | `discord` | a Discord webhook message (`content` + one embed)                                |
 * | `email`   | an email (text + HTML) over SMTP: the action's `smtp` URL, else `WEIR_SMTP_URL`  |
 *
 * Templates (`body`, `text`, `subject`) replace `{{ path }}` with a field of the message
 * (`{{ flowRun.name }}`, `{{ event.name }}`, `{{ dashboardUrl }}`); an unknown path renders empty.
 * Secret fields (webhook headers and query string, the chat webhook URLs, SMTP credentials) are
 * kept encrypted at rest and read back as `****` (src/orchestration/notifications/notification-secrets.ts).
 *
 * The schemas are plain zod (no transforms), so the API, the CLI and automation YAML share them.
 */
import { z } from "zod";
import { WeirError } from "./weir-error.js";

/** Every notification action type. */
export const NOTIFICATION_ACTION_TYPES = ["webhook", "slack", "teams", "discord", "email"] as const;

/** One notification action type. */
export type NotificationActionType = (typeof NOTIFICATION_ACTION_TYPES)[number];

/** Longest URL of an action. */
export const MAX_NOTIFICATION_URL_LENGTH = 2048;

/** Longest template (`body`, `text`, `subject`), in characters. */
export const MAX_NOTIFICATION_TEMPLATE_LENGTH = 20_000;

/** Most recipients of one email action (`to` and `cc` together). */
export const MAX_EMAIL_RECIPIENTS = 50;

function isUrlWithScheme(text: string, schemes: readonly string[]): boolean {
  try {
    const url = new URL(text);
    return schemes.includes(url.protocol) && url.hostname !== "";
  } catch {
    return false;
  }
}

const httpUrl = z
  .string()
  .max(MAX_NOTIFICATION_URL_LENGTH)
  .refine((text) => isUrlWithScheme(text, ["http:", "https:"]), "must be an http:// or https:// URL with a host")
  .meta({ format: "uri", description: "An http:// or https:// URL." });

const template = z.string().max(MAX_NOTIFICATION_TEMPLATE_LENGTH);

// A light check: something@something.something, no spaces or angle brackets (nodemailer parses the rest).
const EMAIL_ADDRESS = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;
const emailAddress = z.string().max(320).regex(EMAIL_ADDRESS, "must be an email address like ops@example.com");
const recipients = z.union([emailAddress, z.array(emailAddress).min(1).max(MAX_EMAIL_RECIPIENTS)]);

/** A generic webhook: POST the message as JSON (or the rendered `body`) to `url`. */
export const webhookActionSchema = z
  .object({
    type: z.literal("webhook"),
    url: httpUrl,
    method: z.enum(["POST", "PUT"]).optional().meta({ description: "HTTP method. Default POST." }),
    headers: z
      .record(z.string().min(1).max(200).regex(/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/, "must be an HTTP header name"), z.string().max(8000))
      .optional()
      .meta({ description: "Extra request headers (secret: stored encrypted, read back as ****)." }),
    body: z
      .unknown()
      .optional()
      .meta({
        description:
          "Body template. A string is rendered and sent as is (Content-Type text/plain unless a header says otherwise); any other JSON value is sent as JSON with each string inside rendered. Default: the message as JSON.",
      }),
  })
  .strict()
  .meta({ id: "WebhookAction" });

/** A Slack incoming webhook (`https://hooks.slack.com/services/…`). */
export const slackActionSchema = z
  .object({ type: z.literal("slack"), url: httpUrl, text: template.optional().meta({ description: "Message template. Default: the message's title and summary." }) })
  .strict()
  .meta({ id: "SlackAction" });

/** A Microsoft Teams incoming webhook (or a Workflows webhook that accepts MessageCards). */
export const teamsActionSchema = z
  .object({ type: z.literal("teams"), url: httpUrl, text: template.optional().meta({ description: "Message template. Default: the message's summary." }) })
  .strict()
  .meta({ id: "TeamsAction" });

/** A Discord webhook (`https://discord.com/api/webhooks/…`). */
export const discordActionSchema = z
  .object({ type: z.literal("discord"), url: httpUrl, text: template.optional().meta({ description: "Message template. Default: the message's title and summary." }) })
  .strict()
  .meta({ id: "DiscordAction" });

/** An email over SMTP. */
export const emailActionSchema = z
  .object({
    type: z.literal("email"),
    to: recipients,
    cc: recipients.optional(),
    subject: template.optional().meta({ description: "Subject template. Default: the message's title." }),
    body: template.optional().meta({ description: "Text body template (also sent as escaped HTML). Default: the message's summary and its fields." }),
    from: emailAddress.optional().meta({ description: "Sender. Default: WEIR_SMTP_FROM, else the SMTP user, else weir@localhost." }),
    smtp: z
      .string()
      .max(MAX_NOTIFICATION_URL_LENGTH)
      .refine((text) => isUrlWithScheme(text, ["smtp:", "smtps:"]), "must be an smtp:// or smtps:// URL, e.g. smtp://user:password@mail.example.com:587")
      .optional()
      .meta({ format: "smtp-url", description: "SMTP server as smtp://[user:password@]host[:port] (STARTTLS when offered) or smtps:// (TLS). Secret. Default: WEIR_SMTP_URL." }),
  })
  .strict()
  .meta({ id: "EmailAction" });

/** Any notification action, by `type`. */
export const notificationActionSchema = z
  .discriminatedUnion("type", [webhookActionSchema, slackActionSchema, teamsActionSchema, discordActionSchema, emailActionSchema])
  .meta({ id: "NotificationAction", description: "Where and how to send a notification (an automation action of type webhook, slack, teams, discord or email)." });

/** A webhook action. */
export type WebhookAction = z.infer<typeof webhookActionSchema>;
/** A Slack action. */
export type SlackAction = z.infer<typeof slackActionSchema>;
/** A Teams action. */
export type TeamsAction = z.infer<typeof teamsActionSchema>;
/** A Discord action. */
export type DiscordAction = z.infer<typeof discordActionSchema>;
/** An email action. */
export type EmailAction = z.infer<typeof emailActionSchema>;
/** Any notification action. */
export type NotificationAction = z.infer<typeof notificationActionSchema>;

/** Whether an action `type` is a notification one (the others belong to automations). */
export function isNotificationActionType(type: unknown): type is NotificationActionType {
  return typeof type === "string" && (NOTIFICATION_ACTION_TYPES as readonly string[]).includes(type);
}

/**
 * Check a notification action (from JSON or YAML); a VALIDATION error names each bad field,
 * prefixed with `path` (e.g. `actions.0`).
 * @example parseNotificationAction({ type: "webhook", url: "http://127.0.0.1:9999/hook" })
 */
export function parseNotificationAction(value: unknown, path = ""): NotificationAction {
  const parsed = notificationActionSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const prefix = path === "" ? "" : `${path}.`;
  throw WeirError.validation(
    "notification action",
    parsed.error.issues.map((issue) => ({ path: `${prefix}${issue.path.map(String).join(".")}`.replace(/\.$/, ""), message: issue.message })),
  );
}
