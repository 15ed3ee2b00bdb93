/** Request and response schemas of the work-pool, work-queue and worker routes. */
import { z } from "zod";
import type { CreateWorkPoolInput, UpdateWorkPoolInput, UpdateWorkQueueInput } from "../../core/api-types.js";
import type { Worker, WorkPool, WorkQueue } from "../../core/models.js";
import { MAX_CONCURRENCY_LIMIT, MAX_HEARTBEAT_INTERVAL_SECONDS, MAX_QUEUE_PRIORITY, WORK_POOL_TYPES } from "../../core/input-limits.js";
import { itemsSchema, nameSchema, timestampSchema } from "./common-schemas.js";

/** Body of `POST /api/work-pools`. */
export const createWorkPoolSchema = z.object({
  name: nameSchema,
  type: z.enum(WORK_POOL_TYPES).optional().meta({ description: `The kind of worker that serves the pool (${WORK_POOL_TYPES.join(", ")}).` }),
  description: z.string().nullable().optional(),
  concurrencyLimit: z.int().min(0).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<CreateWorkPoolInput>;

/** Body of `PATCH /api/work-pools/:name`. */
export const updateWorkPoolSchema = z.object({
  description: z.string().nullable().optional(),
  concurrencyLimit: z.int().min(0).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<UpdateWorkPoolInput>;

/** Body of `POST /api/work-pools/:name/queues` (the pool comes from the path). */
export const createWorkQueueSchema = z.object({
  name: nameSchema,
  description: z.string().nullable().optional(),
  priority: z.int().min(1).max(MAX_QUEUE_PRIORITY).optional(),
  concurrencyLimit: z.int().min(0).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  isPaused: z.boolean().optional(),
});

/** Body of `PATCH /api/work-pools/:name/queues/:queue`. */
export const updateWorkQueueSchema = z.object({
  description: z.string().nullable().optional(),
  priority: z.int().min(1).max(MAX_QUEUE_PRIORITY).optional(),
  concurrencyLimit: z.int().min(0).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  isPaused: z.boolean().optional(),
}) satisfies z.ZodType<UpdateWorkQueueInput>;

/** Body of `POST /api/work-pools/:name/workers/heartbeat`. */
export const workerHeartbeatSchema = z.object({
  name: nameSchema,
  heartbeatIntervalSeconds: z.int().min(1).max(MAX_HEARTBEAT_INTERVAL_SECONDS).optional(),
});

/** Body of `POST /api/work-pools/:name/claim`. */
export const claimFlowRunsSchema = z.object({
  workQueueNames: z.array(nameSchema).optional(),
  workerId: nameSchema,
  workerName: nameSchema.optional(),
  limit: z.int().min(1).max(1000),
  scheduledBefore: timestampSchema.optional(),
});

/** A work pool as the API returns it. */
export const workPoolSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    type: z.string(),
    description: z.string().nullable(),
    isPaused: z.boolean(),
    concurrencyLimit: z.int().min(0).nullable(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "WorkPool", description: "A pool of work queues that workers of one type poll." }) satisfies z.ZodType<WorkPool>;

/** Every work pool. */
export const workPoolListSchema = itemsSchema(workPoolSchema, "WorkPoolList");

/** A work queue as the API returns it. */
export const workQueueSchema = z
  .object({
    id: z.string(),
    workPoolId: z.string(),
    workPoolName: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    priority: z.int().min(1).meta({ description: "1 is served first." }),
    concurrencyLimit: z.int().min(0).nullable(),
    isPaused: z.boolean(),
    lastPolledAt: timestampSchema.nullable().meta({ description: "When a worker last claimed from the queue, to within 5 s (claims record it at most that often); null: never." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "WorkQueue", description: "A queue inside a pool; lower priority is served first." }) satisfies z.ZodType<WorkQueue>;

/** Work queues, by pool then priority. */
export const workQueueListSchema = itemsSchema(workQueueSchema, "WorkQueueList");

/** A worker as the API returns it. */
export const workerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    workPoolName: z.string(),
    status: z.enum(["ONLINE", "OFFLINE"]).meta({ description: "OFFLINE after 3 missed heartbeat intervals." }),
    lastHeartbeatAt: timestampSchema,
    heartbeatIntervalSeconds: z.number().positive(),
    createdAt: timestampSchema,
  })
  .meta({ id: "Worker", description: "A worker process that heartbeats against a pool." }) satisfies z.ZodType<Worker>;

/** Workers. */
export const workerListSchema = itemsSchema(workerSchema, "WorkerList");
