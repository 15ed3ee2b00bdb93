/**
 * What an automation does when it fires. Notification actions (`webhook`, `slack`, `teams`,
 * `discord`, `email`) send a message about the firing; the others act on Weir's resources. A
 * resource an action names is optional where the triggering event implies one: `pause-deployment`
 * without `deployment` pauses the deployment of the run that fired the trigger.
 */
import { z } from "zod";
import { discordActionSchema, emailActionSchema, NOTIFICATION_ACTION_TYPES, slackActionSchema, teamsActionSchema, webhookActionSchema } from "../notification-actions.js";

const text = z.string().trim().min(1, "must be a non-empty string").max(500, "must be at most 500 characters");

const deploymentAction = (type: "pause-deployment" | "resume-deployment") => z.strictObject({ type: z.literal(type), deployment: text.optional() });
const scheduleAction = (type: "pause-schedule" | "resume-schedule") => z.strictObject({ type: z.literal(type), deployment: text.optional(), schedule: text.optional() });
const workPoolAction = (type: "pause-work-pool" | "resume-work-pool") => z.strictObject({ type: z.literal(type), workPool: text.optional() });

/** Every action type, in the order the dashboard lists them. */
export const ACTION_TYPES = [
  "webhook",
  "slack",
  "teams",
  "discord",
  "email",
  "run-deployment",
  "pause-deployment",
  "resume-deployment",
  "pause-schedule",
  "resume-schedule",
  "pause-work-pool",
  "resume-work-pool",
  "cancel-flow-run",
  "retry-flow-run",
] as const;


/** One action of an automation. */
export const actionSpecSchema = z
  .discriminatedUnion(
    "type",
    [
      webhookActionSchema,
      slackActionSchema,
      teamsActionSchema,
      discordActionSchema,
      emailActionSchema,
      z.strictObject({
        type: z.literal("run-deployment"),
        deployment: text.optional().meta({ description: "`flow/deployment` or id; default: the triggering run's deployment" }),
        parameters: z.record(z.string(), z.unknown()).optional(),
      }),
      deploymentAction("pause-deployment"),
      deploymentAction("resume-deployment"),
      scheduleAction("pause-schedule"),
      scheduleAction("resume-schedule"),
      workPoolAction("pause-work-pool"),
      workPoolAction("resume-work-pool"),
      z.strictObject({ type: z.literal("cancel-flow-run") }),
      z.strictObject({ type: z.literal("retry-flow-run") }),
    ],
    { error: (issue) => (issue.code === "invalid_union" ? `type must be one of ${ACTION_TYPES.join(", ")}` : undefined) },
  )
  .meta({ id: "AutomationAction", description: "What an automation does when it fires." });

/** One action. */
export type ActionSpec = z.infer<typeof actionSpecSchema>;

/** An action type. */
export type ActionType = ActionSpec["type"];

/** Whether an action sends a notification. */
export function isNotificationAction(action: ActionSpec): action is Extract<ActionSpec, { type: (typeof NOTIFICATION_ACTION_TYPES)[number] }> {
  return (NOTIFICATION_ACTION_TYPES as readonly string[]).includes(action.type);
}
