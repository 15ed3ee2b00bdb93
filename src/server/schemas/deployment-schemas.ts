/** Request schemas of the deployment and schedule routes. */
import { z } from "zod";
import type { CreateDeploymentFlowRunInput, ScheduleInput, UpdateDeploymentInput, UpsertDeploymentInput } from "../../core/api-types.js";
import { csv, jsonObjectSchema, nameSchema, pageQuerySchema, queryBooleanSchema, retryPolicySchema, scheduleSpecSchema, timestampSchema } from "./common-schemas.js";

/** A schedule attached to a deployment. */
export const scheduleInputSchema = z.object({
  schedule: scheduleSpecSchema,
  parameters: jsonObjectSchema.optional(),
  isActive: z.boolean().optional(),
}) satisfies z.ZodType<ScheduleInput>;

/** Body of `PATCH /api/deployments/:id/schedules/:scheduleId`. */
export const updateScheduleSchema = scheduleInputSchema.partial() satisfies z.ZodType<Partial<ScheduleInput>>;

/** Body of `POST /api/deployments`. */
export const upsertDeploymentSchema = z.object({
  name: nameSchema,
  flowName: nameSchema,
  entrypoint: nameSchema,
  path: z.string().max(4000).nullable().optional(),
  description: z.string().nullable().optional(),
  version: z.string().max(1000).nullable().optional(),
  parameters: jsonObjectSchema.optional(),
  parameterSchema: jsonObjectSchema.nullable().optional(),
  tags: z.array(nameSchema).optional(),
  workPoolName: nameSchema.optional(),
  workQueueName: nameSchema.optional(),
  isPaused: z.boolean().optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  collisionStrategy: z.enum(["ENQUEUE", "CANCEL_NEW"]).optional(),
  schedules: z.array(scheduleInputSchema).max(1000).optional(),
  jobVariables: jsonObjectSchema.optional(),
  isServed: z.boolean().optional(),
  retryPolicy: retryPolicySchema.nullable().optional(),
}) satisfies z.ZodType<UpsertDeploymentInput>;

/** Body of `PATCH /api/deployments/:id`. */
export const updateDeploymentSchema = z.object({
  description: z.string().nullable().optional(),
  parameters: jsonObjectSchema.optional(),
  tags: z.array(nameSchema).optional(),
  isPaused: z.boolean().optional(),
  concurrencyLimit: z.int().min(0).nullable().optional(),
  workQueueName: nameSchema.optional(),
}) satisfies z.ZodType<UpdateDeploymentInput>;

/** Body of `POST /api/deployments/:id/runs`. */
export const createDeploymentFlowRunSchema = z.object({
  parameters: jsonObjectSchema.optional(),
  tags: z.array(nameSchema).optional(),
  name: nameSchema.optional(),
  scheduledTime: timestampSchema.optional(),
  idempotencyKey: nameSchema.optional(),
  workQueueName: nameSchema.optional(),
  scheduleId: nameSchema.optional(),
  parentFlowRunId: nameSchema.nullable().optional(),
}) satisfies z.ZodType<CreateDeploymentFlowRunInput>;

/** Query of `GET /api/deployments`. */
export const listDeploymentsQuerySchema = z
  .object({
    flowName: csv(nameSchema).optional(),
    workPoolName: csv(nameSchema).optional(),
    isServed: queryBooleanSchema.optional(),
  })
  .extend(pageQuerySchema.shape);

/** Body of `POST /api/schedules/preview`. */
export const schedulePreviewSchema = z.object({
  schedule: scheduleSpecSchema,
  count: z.int().min(1).max(1000).optional(),
  after: timestampSchema.optional(),
});
