/** Request and response schemas of the deployment and schedule routes. */
import { z } from "zod";
import type { CreateDeploymentFlowRunInput, ScheduleInput, UpdateDeploymentInput, UpsertDeploymentInput } from "../../core/api-types.js";
import { EXECUTION_MODES, type Deployment, type DeploymentSchedule, type ExecutionMode } from "../../core/models.js";
import { MAX_CONCURRENCY_LIMIT, MAX_PATH_LENGTH, NON_BLANK_PATTERN } from "../../core/input-limits.js";
import {
  boundedText,
  compiledRetryPolicySchema,
  csvNames,
  jsonObjectSchema,
  nameSchema,
  pageQuerySchema,
  pageSchema,
  queryBooleanSchema,
  retryPolicySchema,
  scheduleSpecSchema,
  slashlessNameSchema,
  timestampSchema,
} from "./common-schemas.js";
import { CATCHUP_POLICIES, DURATION_TEXT_PATTERN, OVERLAP_POLICIES, type CatchupPolicy, type OverlapPolicy } from "../../core/schedules/schedule-policies.js";

const catchupSchema = z.enum(CATCHUP_POLICIES as [CatchupPolicy, ...CatchupPolicy[]]).meta({
  description: "Slots missed while the scheduler was down: `skip` runs none, `latest` the most recent, `all` every one within `catchupWindow`, oldest first.",
});
const executionSchema = z.enum(EXECUTION_MODES as [ExecutionMode, ...ExecutionMode[]]).meta({
  description: "How workers execute the runs: `process` (a fresh process per run), `pooled` (long-lived run processes, one run at a time each) or `inline` (in the worker's process, on workers that allow it).",
});
const overlapSchema = z.enum(OVERLAP_POLICIES as [OverlapPolicy, ...OverlapPolicy[]]).meta({
  description: "A slot due while an earlier run of the deployment is active (Pending, Running, Cancelling, Paused): `allow` starts it, `skip` cancels it, `buffer-one` lets one run wait, `cancel-other` cancels the active runs.",
});
const catchupWindowInputSchema = z
  .union([z.int().min(1), z.string().regex(DURATION_TEXT_PATTERN)])
  .meta({ description: "How far back `catchup: all` (and `latest`) reaches: whole seconds ≥ 1, or 1–6 digits and a unit s, m, h or d (\"90m\", \"6h\")." });
const catchupWindowOutputSchema = z.int().min(1).nullable().meta({ description: "Seconds; null: not set (`all` then reaches back one day)." });
const schedulePolicyInputFields = {
  catchup: catchupSchema.nullable().optional(),
  catchupWindow: catchupWindowInputSchema.nullable().optional(),
  overlap: overlapSchema.nullable().optional(),
};

/** A deployment's folder on the worker's machine: non-blank, at most MAX_PATH_LENGTH characters. */
const deploymentPathSchema = boundedText(MAX_PATH_LENGTH).regex(new RegExp(NON_BLANK_PATTERN, "u"), "must be a non-empty string").meta({ minLength: 1 });

/** Where workers get a deployment's code (null: read in place at `path`). */
const codePullSchema = z
  .discriminatedUnion("kind", [
    z.object({
      kind: z.literal("git"),
      url: deploymentPathSchema.meta({ description: "Repository URL or path (as `git fetch` takes it)." }),
      ref: nameSchema.meta({ description: "Commit, branch or tag." }),
      credentialsSecret: nameSchema.nullable().meta({ description: "Secret variable holding a token for HTTPS URLs." }),
    }),
    z.object({ kind: z.literal("bundle"), hash: z.string().regex(/^[0-9a-f]{64}$/).meta({ description: "SHA-256 of the bundle `weir deploy` uploaded." }) }),
  ])
  .meta({ id: "CodePull" });

/** A schedule attached to a deployment. */
export const scheduleInputSchema = z.object({
  schedule: scheduleSpecSchema,
  parameters: jsonObjectSchema.optional(),
  isActive: z.boolean().optional(),
  ...schedulePolicyInputFields,
}) satisfies z.ZodType<ScheduleInput>;

/** Body of `PATCH /api/deployments/:id/schedules/:scheduleId`. */
export const updateScheduleSchema = scheduleInputSchema.partial() satisfies z.ZodType<Partial<ScheduleInput>>;

/** Body of `POST /api/deployments`. */
export const upsertDeploymentSchema = z.object({
  name: slashlessNameSchema,
  flowName: slashlessNameSchema,
  entrypoint: nameSchema,
  path: deploymentPathSchema.nullable().optional(),
  description: z.string().nullable().optional(),
  version: z.string().max(1000).nullable().optional(),
  parameters: jsonObjectSchema.optional(),
  parameterSchema: jsonObjectSchema.nullable().optional(),
  tags: z.array(nameSchema).optional(),
  workPoolName: nameSchema.optional(),
  workQueueName: nameSchema.optional(),
  isPaused: z.boolean().optional(),
  concurrencyLimit: z.int().min(1).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  collisionStrategy: z.enum(["ENQUEUE", "CANCEL_NEW"]).optional(),
  catchup: catchupSchema.optional(),
  catchupWindow: catchupWindowInputSchema.nullable().optional(),
  overlap: overlapSchema.optional(),
  schedules: z.array(scheduleInputSchema).max(1000).optional(),
  jobVariables: jsonObjectSchema.optional(),
  pull: codePullSchema.nullable().optional(),
  isServed: z.boolean().optional(),
  execution: executionSchema.nullable().optional(),
  retryPolicy: retryPolicySchema.nullable().optional(),
  entrypointHash: z
    .string()
    .regex(/^[0-9a-fA-F]{64}$/)
    .nullable()
    .optional()
    .meta({ description: "sha256 (64 hex digits) of the entrypoint file as the applying client read it; recorded in the deployment version." }),
}) satisfies z.ZodType<UpsertDeploymentInput>;

/** Body of `PATCH /api/deployments/:id`. */
export const updateDeploymentSchema = z.object({
  description: z.string().nullable().optional(),
  parameters: jsonObjectSchema.optional(),
  tags: z.array(nameSchema).optional(),
  isPaused: z.boolean().optional(),
  concurrencyLimit: z.int().min(1).max(MAX_CONCURRENCY_LIMIT).nullable().optional(),
  workQueueName: nameSchema.optional(),
  catchup: catchupSchema.optional(),
  catchupWindow: catchupWindowInputSchema.nullable().optional(),
  overlap: overlapSchema.optional(),
  execution: executionSchema.nullable().optional(),
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
    flowName: csvNames().optional(),
    workPoolName: csvNames().optional(),
    isServed: queryBooleanSchema.optional(),
  })
  .extend(pageQuerySchema.shape);

/** Body of `POST /api/schedules/preview`. */
export const schedulePreviewSchema = z.object({
  schedule: scheduleSpecSchema,
  count: z.int().min(1).max(1000).optional(),
  after: timestampSchema.optional(),
});

/** Answer of `POST /api/schedules/preview`. */
export const schedulePreviewResultSchema = z
  .object({ times: z.array(timestampSchema).meta({ description: "The next run times, ISO-8601 UTC, ascending." }) })
  .meta({ id: "SchedulePreview" });

/** A schedule of a deployment as the API returns it. */
export const deploymentScheduleSchema = z
  .object({
    id: z.string(),
    deploymentId: z.string(),
    schedule: scheduleSpecSchema,
    parameters: jsonObjectSchema.meta({ description: "Merged over the deployment's parameters for the runs it creates." }),
    isActive: z.boolean(),
    catchup: catchupSchema.nullable().meta({ description: "This schedule's catch-up policy; null: the deployment's." }),
    catchupWindow: catchupWindowOutputSchema,
    overlap: overlapSchema.nullable().meta({ description: "This schedule's overlap policy; null: the deployment's." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "DeploymentSchedule", description: "A schedule attached to a deployment." }) satisfies z.ZodType<DeploymentSchedule>;

/** A deployment as the API returns it. */
export const deploymentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    flowId: z.string(),
    flowName: z.string(),
    description: z.string().nullable(),
    version: z.string().nullable(),
    entrypoint: z.string().meta({ description: "`path/to/file.ts:exportName`, relative to `path`." }),
    path: z.string().nullable(),
    parameters: jsonObjectSchema,
    parameterSchema: jsonObjectSchema.nullable(),
    tags: z.array(z.string()),
    workPoolName: z.string(),
    workQueueName: z.string(),
    isPaused: z.boolean(),
    concurrencyLimit: z.int().min(0).nullable(),
    collisionStrategy: z.enum(["ENQUEUE", "CANCEL_NEW"]),
    catchup: catchupSchema,
    catchupWindow: catchupWindowOutputSchema,
    overlap: overlapSchema,
    schedules: z.array(deploymentScheduleSchema),
    jobVariables: jsonObjectSchema,
    pull: codePullSchema.nullable().optional(),
    isServed: z.boolean(),
    execution: executionSchema.nullable().optional().meta({ description: "How workers execute its runs; null: as the worker's `--execution` says." }),
    retryPolicy: compiledRetryPolicySchema.nullable().optional().meta({ description: "Given to each run of the deployment (null: no retries)." }),
    versionNumber: z.int().min(1).nullable().meta({ description: "The current version (GET /api/deployments/{id}/versions); null until one is recorded." }),
    lastPolledAt: timestampSchema.nullable().meta({ description: "When a worker last claimed from the queue, to within 5 s (claims record it at most that often); null: never." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "Deployment", description: "A flow registered for scheduled and on-demand runs." }) satisfies z.ZodType<Deployment>;

/** A page of deployments. */
export const deploymentPageSchema = pageSchema(deploymentSchema, "DeploymentPage");
