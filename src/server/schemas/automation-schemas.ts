/** Request and response schemas of the automation routes (src/core/automations holds the form). */
import { z } from "zod";
import { ACTION_TYPES, actionSpecSchema } from "../../core/automations/automation-actions.js";
import type { Automation, AutomationFiring } from "../../core/automations/automation-models.js";
import { automationSpecSchema, TRIGGER_POSTURES } from "../../core/automations/automation-spec.js";
import { itemsSchema, queryInt, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/automations` and `PUT /api/automations/:id`: the automation form. */
export const automationInputSchema = automationSpecSchema;

/** Body of `PATCH /api/automations/:id`. */
export const automationPatchSchema = z
  .strictObject({ isEnabled: z.boolean().meta({ description: "Enable (the trigger starts afresh) or disable." }) })
  .meta({ id: "AutomationPatch" });

/** Body of `PUT /api/deployments/:id/automations`. */
export const deploymentAutomationsSchema = z
  .strictObject({ automations: z.array(automationSpecSchema).max(100).meta({ description: "Automation forms (see AutomationSpec); the deployment's others are deleted." }) })
  .meta({ id: "DeploymentAutomations" });

const canonicalTriggerSchema = z
  .object({
    posture: z.enum(TRIGGER_POSTURES),
    expect: z.array(z.string()),
    match: z.object({
      flow: z.array(z.string()).optional(),
      deployment: z.array(z.string()).optional(),
      workPool: z.array(z.string()).optional(),
      tags: z.array(z.string()).optional(),
      flowRun: z.array(z.string()).optional(),
    }),
    threshold: z.int().min(1),
    within: z.int().min(0).meta({ description: "Window in seconds (0: none)." }),
  })
  .meta({ id: "AutomationTrigger", description: "A trigger in canonical form." });

/** An automation as the API returns it. */
export const automationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    isEnabled: z.boolean(),
    trigger: canonicalTriggerSchema,
    actions: z.array(actionSpecSchema),
    deploymentId: z.string().nullable().meta({ description: "The deployment whose weir.yaml `triggers:` declared it." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Automation", description: "A trigger and the actions it runs when it fires." }) satisfies z.ZodType<Automation>;

/** Every automation. */
export const automationListSchema = itemsSchema(automationSchema, "AutomationList");

/** One firing. */
export const automationFiringSchema = z
  .object({
    id: z.string(),
    automationId: z.string(),
    key: z.string(),
    firedAt: timestampSchema,
    reason: z.string(),
    eventId: z.string().nullable(),
    eventName: z.string().nullable(),
    flowRunId: z.string().nullable(),
    actions: z.array(z.object({ type: z.enum(ACTION_TYPES), status: z.enum(["pending", "done", "failed"]), detail: z.string().nullable() })),
  })
  .meta({ id: "AutomationFiring", description: "One time an automation fired, with each action's outcome." }) satisfies z.ZodType<AutomationFiring>;

/** An automation's firings. */
export const automationFiringListSchema = itemsSchema(automationFiringSchema, "AutomationFiringList");

/** Query of `GET /api/automations/:id/firings`. */
export const automationFiringsQuerySchema = z.object({ limit: queryInt(1, 500).optional() });
