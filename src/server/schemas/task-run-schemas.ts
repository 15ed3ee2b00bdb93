/** Request and response schemas of the task-run routes. */
import { z } from "zod";
import type { CacheHit, TaskRunWrite, TaskRunWriteResult } from "../../core/api-types.js";
import type { TaskRun } from "../../core/models.js";
import {
  compiledRetryPolicySchema,
  csvOf,
  jsonObjectSchema,
  nameSchema,
  pageQuerySchema,
  pageSchema,
  retryPolicySchema,
  stateNameSchema,
  stateSchema,
  stateTypeSchema,
  timestampSchema,
} from "./common-schemas.js";

/** Most writes in one batch, and the longest dynamic or cache key of one. */
export const MAX_TASK_RUN_WRITES = 100_000;
export const MAX_TASK_RUN_KEY_LENGTH = 1000;

/** One task-run write. */
export const taskRunWriteSchema = z.object({
  id: nameSchema,
  flowRunId: nameSchema.nullable(),
  name: nameSchema,
  taskKey: nameSchema,
  dynamicKey: z.string().max(MAX_TASK_RUN_KEY_LENGTH),
  tags: z.array(nameSchema).optional(),
  inputs: jsonObjectSchema.nullable().optional(),
  cacheKey: z.string().max(MAX_TASK_RUN_KEY_LENGTH).nullable().optional(),
  cacheExpiration: timestampSchema.nullable().optional(),
  retryPolicy: retryPolicySchema.optional(),
  subflowRunId: nameSchema.nullable().optional(),
  states: z.array(stateSchema),
}) satisfies z.ZodType<TaskRunWrite>;

/** Body of `POST /api/task-runs/batch`. */
export const writeTaskRunsSchema = z.object({ writes: z.array(taskRunWriteSchema).max(MAX_TASK_RUN_WRITES) });

/** Answer of `POST /api/task-runs/batch`: the refused states (src/core/task-run-rules.ts). */
export const taskRunWriteResultSchema = z
  .object({
    refused: z.array(
      z.object({
        taskRunId: z.string(),
        flowRunId: z.string().nullable(),
        stateId: z.string(),
        status: z.enum(["REJECT", "ABORT"]),
        reason: z.string(),
        flowRunStateType: stateTypeSchema.optional(),
      }),
    ),
  })
  .meta({ id: "TaskRunWriteResult", description: "The task-run states refused by the orchestration rules; the rest of the batch is stored." }) satisfies z.ZodType<TaskRunWriteResult>;

/** Query of `GET /api/task-runs`. */
export const listTaskRunsQuerySchema = z
  .object({
    flowRunId: nameSchema.optional(),
    stateType: csvOf(stateTypeSchema.options).optional(),
    taskKey: nameSchema.optional(),
  })
  .extend(pageQuerySchema.shape);

/** Query of `GET /api/task-runs/cache/:cacheKey`. */
export const cacheQuerySchema = z.object({ now: timestampSchema.optional() });

/** A task run as the API returns it. */
export const taskRunSchema = z
  .object({
    id: z.string(),
    flowRunId: z.string().nullable(),
    name: z.string(),
    taskKey: z.string(),
    dynamicKey: z.string(),
    tags: z.array(z.string()),
    inputs: jsonObjectSchema.nullable().meta({ description: "Short JSON summary of the inputs." }),
    cacheKey: z.string().nullable(),
    cacheExpiration: timestampSchema.nullable(),
    state: stateSchema,
    stateType: stateTypeSchema,
    stateName: stateNameSchema,
    runCount: z.int().min(0),
    retryPolicy: compiledRetryPolicySchema,
    expectedStartTime: timestampSchema.nullable(),
    startTime: timestampSchema.nullable(),
    endTime: timestampSchema.nullable(),
    totalRunTimeMs: z.number().min(0),
    subflowRunId: z.string().nullable().meta({ description: "When this task run is a subflow call, the child flow run." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "TaskRun", description: "One execution of a task, inside a flow run or alone." }) satisfies z.ZodType<TaskRun>;

/** A page of task runs. */
export const taskRunPageSchema = pageSchema(taskRunSchema, "TaskRunPage");

/** A task's cached result. */
export const cacheHitSchema = z
  .object({ taskRunId: z.string(), state: stateSchema, expiresAt: timestampSchema.nullable() })
  .meta({ id: "CacheHit", description: "The newest completed, unexpired task run with a cache key." }) satisfies z.ZodType<CacheHit>;
