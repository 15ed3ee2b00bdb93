/** Request and response schemas of the flow-run routes. */
import { z } from "zod";
import type { CreateFlowRunInput, FlowRunFilter, OrchestrationResult, ProposeStateInput } from "../../core/api-types.js";
import type { FlowRun } from "../../core/models.js";
import { MAX_HEARTBEAT_INTERVAL_SECONDS } from "../../core/input-limits.js";
import { STATE_NAMES, STATE_TYPES } from "../../core/states.js";
import {
  compiledRetryPolicySchema,
  csvNames,
  csvOf,
  initialFlowRunStateSchema,
  itemsSchema,
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

/** Body of `POST /api/flow-runs`. */
export const createFlowRunSchema = z.object({
  id: nameSchema.optional(),
  flowName: nameSchema,
  name: nameSchema.optional(),
  parameters: jsonObjectSchema.optional(),
  tags: z.array(nameSchema).optional(),
  parentFlowRunId: nameSchema.nullable().optional(),
  parentTaskRunId: nameSchema.nullable().optional(),
  retryPolicy: retryPolicySchema.optional(),
  state: initialFlowRunStateSchema.optional(),
}) satisfies z.ZodType<CreateFlowRunInput>;

/** Query of `GET /api/flow-runs` and `/api/flow-runs/count`. */
export const flowRunFilterQuerySchema = z.object({
  id: csvNames().optional(),
  // Checked by the service layer, whose error names the filter field (`stateTypes`).
  stateType: csvOf(STATE_TYPES, { isCheckedByService: true }).optional().meta({ description: `comma-separated: ${STATE_TYPES.join(",")}` }),
  stateName: csvOf(STATE_NAMES, { isCheckedByService: true }).optional().meta({ description: `comma-separated: ${STATE_NAMES.join(",")}` }),
  flowName: csvNames().optional(),
  deploymentId: csvNames().optional(),
  workPoolName: csvNames().optional(),
  workQueueName: csvNames().optional(),
  tag: csvNames().optional(),
  /** `null` lists top-level runs only. */
  parentFlowRunId: nameSchema.optional(),
  startAfter: timestampSchema.optional(),
  startBefore: timestampSchema.optional(),
  sort: z.enum(["EXPECTED_START_TIME_DESC", "EXPECTED_START_TIME_ASC", "CREATED_DESC"]).optional(),
});

/** Query of the runs list (filter and page). */
export const listFlowRunsQuerySchema = flowRunFilterQuerySchema.extend(pageQuerySchema.shape);

/** The filter of parsed flow-run query values. */
export function flowRunFilterOf(query: z.infer<typeof flowRunFilterQuerySchema>): FlowRunFilter {
  const filter: FlowRunFilter = {
    ids: query.id,
    stateTypes: query.stateType,
    stateNames: query.stateName,
    flowNames: query.flowName,
    deploymentIds: query.deploymentId,
    workPoolNames: query.workPoolName,
    workQueueNames: query.workQueueName,
    tags: query.tag,
    startAfter: query.startAfter,
    startBefore: query.startBefore,
    sort: query.sort,
  };
  if (query.parentFlowRunId !== undefined) filter.parentFlowRunId = query.parentFlowRunId === "null" ? null : query.parentFlowRunId;
  return Object.fromEntries(Object.entries(filter).filter(([, value]) => value !== undefined));
}

/** Body of `POST /api/flow-runs/:id/heartbeat`. */
export const heartbeatFlowRunSchema = z.object({
  infrastructurePid: nameSchema.optional(),
  codeVersion: nameSchema.optional(),
  heartbeatIntervalSeconds: z.int().min(1).max(MAX_HEARTBEAT_INTERVAL_SECONDS).optional(),
});

/** Body of `POST /api/flow-runs/:id/set-state`. */
export const proposeStateSchema = z.object({
  state: stateSchema,
  force: z.boolean().optional(),
  transitionId: nameSchema.optional(),
  heartbeat: heartbeatFlowRunSchema.omit({ codeVersion: true }).optional().meta({ description: "Recorded with the state when it is accepted, as a heartbeat would record them" }),
}) satisfies z.ZodType<ProposeStateInput>;

/** Body of `POST /api/flow-runs/:id/resume`. */
export const resumeFlowRunSchema = z.object({
  input: jsonObjectSchema
    .optional()
    .describe("The input the paused run waits for. When its pause stored a JSON Schema (the Paused/Suspended state's details.inputSchema), the input must match it, else 422 naming each bad field (input.<field>); with none, any JSON object."),
});

/** Body of `retry`: reuse finished task calls (default), run everything again, or restart from a task. */
export const retryFlowRunSchema = z.union([
  z.object({ mode: z.literal("reuse").optional(), fromTask: nameSchema.nullable().optional().meta({ description: "Restart from this task (its key); earlier finished task calls are reused." }) }),
  z.object({ mode: z.literal("fresh"), fromTask: z.null().optional() }),
]);

/** Body of actions without input (`cancel`). */
export const emptyBodySchema = z.object({});

/** A flow run as the API returns it. */
export const flowRunSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    flowId: z.string(),
    flowName: z.string(),
    deploymentId: z.string().nullable(),
    deploymentName: z.string().nullable(),
    parentFlowRunId: z.string().nullable().meta({ description: "Set when this is a subflow run." }),
    parentTaskRunId: z.string().nullable(),
    parameters: jsonObjectSchema,
    tags: z.array(z.string()),
    state: stateSchema,
    stateType: stateTypeSchema,
    stateName: stateNameSchema,
    runCount: z.int().min(0).meta({ description: "How many attempts started (1 on the first Running)." }),
    retryPolicy: compiledRetryPolicySchema,
    expectedStartTime: timestampSchema,
    nextScheduledStartTime: timestampSchema.nullable(),
    startTime: timestampSchema.nullable(),
    endTime: timestampSchema.nullable(),
    totalRunTimeMs: z.number().min(0),
    workPoolName: z.string().nullable(),
    workQueueName: z.string().nullable(),
    workerId: z.string().nullable(),
    workerName: z.string().nullable(),
    heartbeatAt: timestampSchema.nullable(),
    heartbeatIntervalSeconds: z.number().nullable(),
    infrastructurePid: z.string().nullable(),
    codeVersion: z.string().nullable().optional().meta({ description: "The code the run executed: `git:<sha>` or `bundle:<sha256>` (null: code read in place)." }),
    idempotencyKey: z.string().nullable(),
    scheduleId: z.string().nullable(),
    deploymentVersion: z.int().min(1).nullable().meta({ description: "The deployment version this run ran (or will run, while not started); null outside deployments or before versions were recorded." }),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .meta({ id: "FlowRun", description: "One execution of a flow, with its current state." }) satisfies z.ZodType<FlowRun>;

/** A page of flow runs. */
export const flowRunPageSchema = pageSchema(flowRunSchema, "FlowRunPage");

/** Flow runs claimed by a worker. */
export const flowRunListSchema = itemsSchema(flowRunSchema, "FlowRunList");

/** Answer of `GET /api/flow-runs/count`. */
export const flowRunCountSchema = z.object({ count: z.int().min(0) }).meta({ id: "FlowRunCount" });

/** A state history, oldest first. */
export const stateListSchema = itemsSchema(stateSchema, "StateList");

/** The decision on a proposed state. */
export const orchestrationResultSchema = z
  .object({
    status: z.enum(["ACCEPT", "REJECT", "WAIT", "ABORT"]),
    state: stateSchema,
    reason: z.string().nullable(),
    retryAfterSeconds: z.number().min(0).optional().meta({ description: "For WAIT: propose again after this many seconds." }),
  })
  .meta({ id: "OrchestrationResult", description: "How the orchestration rules answered a proposed state." }) satisfies z.ZodType<OrchestrationResult>;
