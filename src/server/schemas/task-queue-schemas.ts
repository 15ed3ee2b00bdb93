/**
 * Request and response schemas of the task-queue routes (src/server/routes/task-queue-routes.ts).
 * Arguments and outcomes are JSON text of at most MAX_INLINE_TASK_PAYLOAD_BYTES (the SDK sends a
 * larger one through result storage), so a batch of them stays under the body limit.
 */
import { z } from "zod";
import { MAX_INTERVAL_SECONDS, MAX_LEASE_SECONDS, MAX_PATH_LENGTH, NON_BLANK_PATTERN } from "../../core/input-limits.js";
import {
  MAX_CLAIM_WAIT_SECONDS,
  MAX_INLINE_TASK_PAYLOAD_BYTES,
  MAX_TASK_QUEUE_BATCH,
  MAX_TASK_QUEUE_NAME_LENGTH,
  TASK_QUEUE_NAME_PATTERN,
  type ClaimedTaskRun,
  type ClaimTaskRunsInput,
  type CompleteTaskRunInput,
  type EnqueueTaskRunInput,
  type FinishedTaskRun,
} from "../../core/task-queue.js";
import { boundedText, nameSchema, queryInt } from "./common-schemas.js";

// The integer columns of task_queue_items are 32-bit on PostgreSQL.
const MAX_INT32 = 2_147_483_647;

/** A task queue's name. */
export const taskQueueNameSchema = z
  .string()
  .max(MAX_TASK_QUEUE_NAME_LENGTH)
  .regex(new RegExp(TASK_QUEUE_NAME_PATTERN), "must be a task queue name: a letter or digit, then letters, digits, '.', '_' or '-'");

const payloadSchema = boundedText(MAX_INLINE_TASK_PAYLOAD_BYTES).meta({
  description: `JSON text of at most ${MAX_INLINE_TASK_PAYLOAD_BYTES} bytes; a larger payload is written to result storage and this holds \`{"stored": <ResultRef>}\`.`,
});

const itemFields = {
  id: nameSchema.meta({ description: "`<task run id>:<attempt>`" }),
  queue: taskQueueNameSchema,
  owner: nameSchema.meta({ description: "The dispatcher (calling process) that reads the outcome back." }),
  taskRunId: nameSchema,
  flowRunId: nameSchema.nullable(),
  module: boundedText(MAX_PATH_LENGTH)
    .regex(new RegExp(NON_BLANK_PATTERN, "u"), "must be a non-empty path")
    .meta({ minLength: 1, description: "Absolute path or file URL of the module that exports the task (task workers import it)." }),
  taskName: nameSchema,
  args: payloadSchema,
  attempt: z.int().min(0).max(MAX_INT32),
  timeoutMs: z.int().min(0).max(MAX_INTERVAL_SECONDS * 1000).nullable(),
};

/** Body of `POST /api/task-queue-items`. */
export const enqueueTaskRunsSchema = z.object({
  items: z.array(z.object(itemFields) satisfies z.ZodType<EnqueueTaskRunInput>).max(MAX_TASK_QUEUE_BATCH),
});

/** Body of `POST /api/task-queue-items/claim`. */
export const claimTaskRunsSchema = z.object({
  queue: taskQueueNameSchema,
  workerName: nameSchema,
  limit: z.int().min(1).max(MAX_TASK_QUEUE_BATCH),
  leaseSeconds: z.number().positive().max(MAX_LEASE_SECONDS),
  waitSeconds: z.number().min(0).max(MAX_CLAIM_WAIT_SECONDS).optional().meta({ description: "When nothing is claimable, hold the request up to this long for an item (0: answer at once)." }),
}) satisfies z.ZodType<ClaimTaskRunsInput>;

/** A claimed item as `claimTaskRuns` answers it. */
export const claimedTaskRunSchema = z
  .object({ ...itemFields, claims: z.int().min(1).meta({ description: "How many times it has been claimed (2+ after its worker died)." }) })
  .meta({ id: "ClaimedTaskRun", description: "A task-queue item claimed by a task worker, under a lease." }) satisfies z.ZodType<ClaimedTaskRun>;

/** Answer of `POST /api/task-queue-items/claim`. */
export const claimedTaskRunListSchema = z.object({ items: z.array(claimedTaskRunSchema) }).meta({ id: "ClaimedTaskRunList", description: "The items claimed (none when the queue had none claimable)." });

/** Body of `POST /api/task-queue-items/renew`. */
export const renewTaskRunLeasesSchema = z.object({
  workerName: nameSchema,
  ids: z.array(nameSchema).max(MAX_TASK_QUEUE_BATCH),
  leaseSeconds: z.number().positive().max(MAX_LEASE_SECONDS),
});

/** Body of `POST /api/task-queue-items/complete`. */
export const completeTaskRunsSchema = z.object({
  outcomes: z
    .array(z.object({ id: nameSchema, workerName: nameSchema, isFailed: z.boolean(), outcome: payloadSchema.meta({ description: "`{ value }`, `{ error: { name, message, stack } }`, or `{ stored }`." }) }) satisfies z.ZodType<CompleteTaskRunInput>)
    .max(MAX_TASK_QUEUE_BATCH),
});

/** Answer of renew and complete: the ids the worker holds (renew) or whose outcome was recorded (complete). */
export const taskQueueItemIdsSchema = z.object({ ids: z.array(z.string()) }).meta({ id: "TaskQueueItemIds", description: "Ids of task-queue items." });

/** Query of `GET /api/task-queue-items/finished`. */
export const finishedTaskRunsQuerySchema = z.object({ owner: nameSchema, limit: queryInt(1, MAX_TASK_QUEUE_BATCH).optional() });

/** A finished item as its owner reads it. */
export const finishedTaskRunSchema = z
  .object({ id: z.string(), isFailed: z.boolean(), outcome: z.string() })
  .meta({ id: "FinishedTaskRun", description: "A finished task-queue item: its outcome as JSON text (`{ value }`, `{ error }` or `{ stored }`)." }) satisfies z.ZodType<FinishedTaskRun>;

/** Answer of `GET /api/task-queue-items/finished`. */
export const finishedTaskRunListSchema = z.object({ items: z.array(finishedTaskRunSchema) }).meta({ id: "FinishedTaskRunList", description: "Finished items of an owner, oldest first." });

/** Body of `POST /api/task-queue-items/finished/delete`. */
export const deleteFinishedTaskRunsSchema = z.object({ owner: nameSchema, ids: z.array(nameSchema).max(MAX_TASK_QUEUE_BATCH) });

/** Body of `POST /api/task-queue-items/withdraw`. */
export const withdrawTaskRunsSchema = z.object({ ids: z.array(nameSchema).max(MAX_TASK_QUEUE_BATCH) });

/** Answer of delete and withdraw: how many items were removed. */
export const taskQueueItemCountSchema = z.object({ count: z.int().min(0) }).meta({ id: "TaskQueueItemCount", description: "How many task-queue items were removed." });

/** Answer of `GET /api/task-queues/:queue`. */
export const taskQueueCountsSchema = z
  .object({ queue: z.string(), counts: z.record(z.string(), z.int().min(0)).meta({ description: "Items by status (`queued`, `running`, `completed`, `failed`); absent statuses are left out." }) })
  .meta({ id: "TaskQueueCounts", description: "How many items a task queue holds, by status." });
