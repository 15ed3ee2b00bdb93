/**
 * Creating a run of a deployment: the deployment's default parameters, then the schedule's, then
 * the per-run ones are merged and validated against the stored JSON Schema (422 naming the
 * field); the run starts `Scheduled` at `scheduledTime` (default now) in the deployment's pool and
 * queue (served deployments: no pool, their runner picks them up). An idempotency key is unique per
 * deployment: repeating it returns the run created first. Wake-ups: the new run is published on
 * the event bus, which on PostgreSQL also reaches other processes (LISTEN/NOTIFY, see
 * src/orchestration/event-relay.ts); workers and runners listen to it, with a poll fallback.
 */
import type { CreateDeploymentFlowRunInput } from "../core/api-types.js";
import type { FlowRun, Parameters } from "../core/models.js";
import { makeState, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { DeploymentTable, FlowRunTable } from "../db/schema.js";
import { appendFlowRunStates, columnsAfterStates } from "./apply-flow-run-state.js";
import { validateAgainstJsonSchema } from "./deployment-parameter-validation.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { newFlowRunRow } from "./flow-run-service.js";
import { checkName, checkObject, checkStringList, checkTime } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { ensureWorkQueue } from "./work-pool-service.js";

/** Merge and validate parameters for a run of `deployment` (throws VALIDATION naming the field). */
export function deploymentRunParameters(deployment: DeploymentTable, ...layers: (Parameters | undefined)[]): Parameters {
  const merged: Parameters = { ...fromJsonColumn<Parameters>(deployment.parameters) };
  for (const layer of layers) Object.assign(merged, layer ?? {});
  const schema = fromJsonColumn<Record<string, unknown> | null>(deployment.parameter_schema);
  if (schema) {
    const issues = validateAgainstJsonSchema(schema, merged);
    if (issues.length > 0) {
      throw WeirError.validation(
        `parameters for deployment '${deployment.flow_name}/${deployment.name}'`,
        issues.map((issue) => ({ path: issue.path === "" ? "parameters" : `parameters.${issue.path}`, message: issue.message })),
      );
    }
  }
  return merged;
}

/** What a new run of a deployment is made of, besides the deployment (see {@link newDeploymentRunRow}). */
export interface DeploymentRunFields {
  /** Merged and validated already (see {@link deploymentRunParameters}). */
  parameters: Parameters;
  /** Added to the deployment's tags. */
  tags: readonly string[];
  scheduledTime: string;
  idempotencyKey: string | null;
  scheduleId: string | null;
  /** The queue (served deployments: null). */
  workQueueName: string | null;
  parentFlowRunId: string | null;
  name?: string;
}

/** The row of a new `Scheduled` run of `deployment`, and that first state (nothing is written). */
export function newDeploymentRunRow(deployment: DeploymentTable, fields: DeploymentRunFields, now: Date): { row: FlowRunTable; state: State } {
  const nowIso = now.toISOString();
  const isServed = Boolean(deployment.is_served);
  const state = makeState("Scheduled", { now, scheduledTime: fields.scheduledTime });
  const base: FlowRunTable = newFlowRunRow(
    {
      id: crypto.randomUUID(),
      flow_id: deployment.flow_id,
      flow_name: deployment.flow_name,
      deployment_id: deployment.id,
      deployment_name: deployment.name,
      parent_flow_run_id: fields.parentFlowRunId,
      parameters: toJsonColumn(fields.parameters),
      tags: toJsonColumn([...new Set([...fromJsonColumn<string[]>(deployment.tags), ...fields.tags])]),
      expected_start_time: fields.scheduledTime,
      ...(deployment.retry_policy ? { retry_policy: deployment.retry_policy } : {}),
      work_pool_name: isServed ? null : deployment.work_pool_name,
      work_queue_name: isServed ? null : fields.workQueueName,
      idempotency_key: fields.idempotencyKey,
      schedule_id: fields.scheduleId,
      deployment_version: deployment.version_number ?? null,
      state_type: "SCHEDULED",
      ...(fields.name === undefined ? {} : { name: fields.name }),
    },
    nowIso,
  );
  return { row: { ...base, ...columnsAfterStates(base, [state], nowIso) }, state };
}

/** Create a run of the deployment `deploymentId` (see file header). */
export async function createDeploymentFlowRun(ctx: OrchestrationContext, deploymentId: string, input: CreateDeploymentFlowRunInput = {}): Promise<FlowRun> {
  const { database } = ctx;
  checkName(deploymentId, "deploymentId");
  checkObject(input, "input");
  const perRun = checkObject(input.parameters, "parameters");
  const extraTags = checkStringList(input.tags, "tags");
  const idempotencyKey = input.idempotencyKey === undefined ? null : checkName(input.idempotencyKey, "idempotencyKey");
  const now = ctx.clock.now();
  const nowIso = now.toISOString();
  const scheduledTime = input.scheduledTime === undefined ? nowIso : checkTime(input.scheduledTime, "scheduledTime");

  const { row, isCreated } = await database.writeTransaction(async (trx) => {
    const deployment = await trx.selectFrom("deployments").selectAll().where("id", "=", deploymentId).executeTakeFirst();
    if (!deployment) throw WeirError.notFound("deployment", deploymentId);
    if (idempotencyKey !== null) {
      const existing = await trx.selectFrom("flow_runs").selectAll().where("deployment_id", "=", deploymentId).where("idempotency_key", "=", idempotencyKey).executeTakeFirst();
      if (existing) return { row: existing, isCreated: false };
    }
    let scheduleParameters: Parameters | undefined;
    if (input.scheduleId !== undefined) {
      const schedule = await trx.selectFrom("deployment_schedules").select("parameters").where("id", "=", input.scheduleId).where("deployment_id", "=", deploymentId).executeTakeFirst();
      // A schedule of another deployment (or none) is missing from this one: NOT_FOUND, as a missing deployment is.
      if (!schedule) throw new WeirError("NOT_FOUND", `scheduleId: schedule '${input.scheduleId}' does not belong to this deployment`, { details: { field: "scheduleId" } });
      scheduleParameters = fromJsonColumn<Parameters>(schedule.parameters);
    }
    const parameters = deploymentRunParameters(deployment, scheduleParameters, perRun);
    const isServed = Boolean(deployment.is_served);
    let queueName: string | null = isServed ? null : deployment.work_queue_name;
    if (!isServed && input.workQueueName !== undefined) {
      queueName = (await ensureWorkQueue(trx, deployment.work_pool_name, checkName(input.workQueueName, "workQueueName"), nowIso)).name;
    }
    const { row: created, state } = newDeploymentRunRow(
      deployment,
      {
        parameters,
        tags: extraTags,
        scheduledTime,
        idempotencyKey,
        scheduleId: input.scheduleId ?? null,
        workQueueName: queueName,
        parentFlowRunId: input.parentFlowRunId ?? null,
        ...(input.name === undefined ? {} : { name: checkName(input.name, "name") }),
      },
      now,
    );
    const inserted = await trx
      .insertInto("flow_runs")
      .values(created)
      .onConflict((oc) => oc.columns(["deployment_id", "idempotency_key"]).doNothing())
      .executeTakeFirst();
    if (idempotencyKey !== null && Number(inserted.numInsertedOrUpdatedRows ?? 1n) === 0) {
      const existing = await trx.selectFrom("flow_runs").selectAll().where("deployment_id", "=", deploymentId).where("idempotency_key", "=", idempotencyKey).executeTakeFirstOrThrow();
      return { row: existing, isCreated: false };
    }
    await appendFlowRunStates(trx, created.id, [state]);
    return { row: created, isCreated: true };
  });
  const flowRun = flowRunFromRow(row);
  if (isCreated) ctx.events.publish({ kind: "flow-run", flowRun });
  return flowRun;
}
