/** Request schemas of the work-pool, work-queue and worker routes. */
import { z } from "zod";
import type { CreateWorkPoolInput, UpdateWorkPoolInput, UpdateWorkQueueInput } from "../../core/api-types.js";
import { nameSchema, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/work-pools`. */
export const createWorkPoolSchema = z.object({
  name: nameSchema,
  type: nameSchema.optional(),
  description: z.string().nullable().optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<CreateWorkPoolInput>;

/** Body of `PATCH /api/work-pools/:name`. */
export const updateWorkPoolSchema = z.object({
  description: z.string().nullable().optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<UpdateWorkPoolInput>;

/** Body of `POST /api/work-pools/:name/queues` (the pool comes from the path). */
export const createWorkQueueSchema = z.object({
  name: nameSchema,
  description: z.string().nullable().optional(),
  priority: z.int().min(1).max(1_000_000).optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  isPaused: z.boolean().optional(),
});

/** Body of `PATCH /api/work-pools/:name/queues/:queue`. */
export const updateWorkQueueSchema = z.object({
  description: z.string().nullable().optional(),
  priority: z.int().min(1).max(1_000_000).optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<UpdateWorkQueueInput>;

/** Body of `POST /api/work-pools/:name/workers/heartbeat`. */
export const workerHeartbeatSchema = z.object({
  name: nameSchema,
  heartbeatIntervalSeconds: z.number().positive().max(86_400).optional(),
});

/** Body of `POST /api/work-pools/:name/claim`. */
export const claimFlowRunsSchema = z.object({
  workQueueNames: z.array(nameSchema).optional(),
  workerId: nameSchema,
  workerName: nameSchema.optional(),
  limit: z.int().min(1).max(1000),
  scheduledBefore: timestampSchema.optional(),
});
