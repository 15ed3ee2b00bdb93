/** Request schemas of the task-run routes. */
import { z } from "zod";
import type { TaskRunWrite } from "../../core/api-types.js";
import {
  csv,
  jsonObjectSchema,
  nameSchema,
  pageQuerySchema,
  retryPolicySchema,
  stateSchema,
  stateTypeSchema,
  timestampSchema,
} from "./common-schemas.js";

/** One task-run write. */
export const taskRunWriteSchema = z.object({
  id: nameSchema,
  flowRunId: nameSchema.nullable(),
  name: nameSchema,
  taskKey: nameSchema,
  dynamicKey: z.string().max(1000),
  tags: z.array(nameSchema).optional(),
  inputs: jsonObjectSchema.nullable().optional(),
  cacheKey: z.string().max(1000).nullable().optional(),
  cacheExpiration: timestampSchema.nullable().optional(),
  retryPolicy: retryPolicySchema.optional(),
  subflowRunId: nameSchema.nullable().optional(),
  states: z.array(stateSchema),
}) satisfies z.ZodType<TaskRunWrite>;

/** Body of `POST /api/task-runs/batch`. */
export const writeTaskRunsSchema = z.object({ writes: z.array(taskRunWriteSchema).max(100_000) });

/** Query of `GET /api/task-runs`. */
export const listTaskRunsQuerySchema = z
  .object({
    flowRunId: nameSchema.optional(),
    stateType: csv(stateTypeSchema).optional(),
    taskKey: nameSchema.optional(),
  })
  .extend(pageQuerySchema.shape);

/** Query of `GET /api/task-runs/cache/:cacheKey`. */
export const cacheQuerySchema = z.object({ now: timestampSchema.optional() });
