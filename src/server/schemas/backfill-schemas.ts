/** Request and response schemas of the backfill routes. */
import { z } from "zod";
import { MAX_BACKFILL_SLOTS, type Backfill, type BackfillInput, type BackfillResult, type BackfillSlot } from "../../core/backfills.js";
import { STATE_TYPES, type StateType } from "../../core/states.js";
import { itemsSchema, jsonObjectSchema, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/deployments/:id/backfill`. */
export const backfillInputSchema = z
  .object({
    from: timestampSchema.meta({ description: "Start of the range, inclusive." }),
    to: timestampSchema.meta({ description: "End of the range, exclusive; after `from`." }),
    parameters: jsonObjectSchema.optional().meta({ description: "Merged over the deployment's and each schedule's parameters for the new runs." }),
    dryRun: z.boolean().optional().meta({ description: "List the slots and what would be created; create nothing." }),
  })
  .meta({
    id: "BackfillInput",
    description: `One run per slot of the deployment's active schedules in [from, to), at most ${MAX_BACKFILL_SLOTS}; slots that already have a run are left alone.`,
  }) satisfies z.ZodType<BackfillInput>;

const countsByStateType = z.object(Object.fromEntries(STATE_TYPES.map((type) => [type, z.int().min(0)])) as Record<StateType, z.ZodInt>);

/** A backfill with its progress. */
export const backfillSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    from: timestampSchema,
    to: timestampSchema,
    parameters: jsonObjectSchema,
    slotCount: z.int().min(0),
    tag: z.string().meta({ description: "The tag of the runs this backfill created: `backfill:<id>`." }),
    createdAt: timestampSchema,
    progress: z
      .object({ runCount: z.int().min(0), byStateType: countsByStateType })
      .meta({ description: "The slot runs in the range (whoever created them), counted by state type." }),
  })
  .meta({ id: "Backfill", description: "A recorded backfill of a deployment; the same request again is the same backfill." }) satisfies z.ZodType<Backfill>;

/** One slot of a backfill. */
export const backfillSlotSchema = z
  .object({
    scheduleId: z.string(),
    scheduledTime: timestampSchema,
    flowRunId: z.string().nullable().meta({ description: "The slot's run; null in a dry run for a slot with no run yet." }),
    isNew: z.boolean().meta({ description: "Whether this request created (a dry run: would create) the slot's run." }),
  })
  .meta({ id: "BackfillSlot" }) satisfies z.ZodType<BackfillSlot>;

/** Answer of `POST /api/deployments/:id/backfill`. */
export const backfillResultSchema = z
  .object({
    isDryRun: z.boolean(),
    backfill: backfillSchema.nullable().meta({ description: "Null in a dry run." }),
    slots: z.array(backfillSlotSchema),
    createdCount: z.int().min(0),
    existingCount: z.int().min(0),
  })
  .meta({ id: "BackfillResult", description: "What a backfill request did, or (dry run) would do." }) satisfies z.ZodType<BackfillResult>;

/** Answer of `GET /api/deployments/:id/backfills`. */
export const backfillListSchema = itemsSchema(backfillSchema, "BackfillList");
