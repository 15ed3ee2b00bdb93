/**
 * Backfills of a deployment (see src/core/backfills.ts for the semantics): the slots of its active
 * schedules in `[from, to)`, each made a run keyed like the scheduler's (so nothing is made twice,
 * by a repeated backfill or by the scheduler), tagged `backfill:<id>`, due at its slot and
 * claimed under the deployment's concurrency limit like any other run. The same request (range and
 * parameters) again returns the same recorded backfill. Progress counts the slot runs in the range
 * by state type.
 */
import { createHash } from "node:crypto";
import type { Kysely } from "kysely";
import { backfillTag, MAX_BACKFILL_SLOTS, scheduleSlotsInRange, type Backfill, type BackfillInput, type BackfillResult, type BackfillSlot } from "../core/backfills.js";
import type { Parameters, ScheduleSpec } from "../core/models.js";
import { compileScheduleSpec } from "../core/schedules/next-schedule-times.js";
import { STATE_TYPES, type StateType } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { BackfillTable, DatabaseSchema, DeploymentTable, FlowRunTable } from "../db/schema.js";
import { stateRow } from "./apply-flow-run-state.js";
import { deploymentRunParameters, newDeploymentRunRow } from "./deployment-flow-run.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { checkName, checkObject, checkTime, invalid } from "./input-checks.js";
import { scheduledRunKey } from "./maintenance/schedule-deployment-runs.js";
import type { OrchestrationContext } from "./orchestration-context.js";

/** Backfills listed per deployment, newest first. */
const LIST_LIMIT = 50;

/** New runs written per transaction (one multi-row insert; well under either database's bound parameters). */
const CREATE_CHUNK = 250;

interface PlannedSlot {
  scheduleId: string;
  time: Date;
  key: string;
}

function checkRange(input: BackfillInput): { from: Date; to: Date } {
  const from = new Date(checkTime(input.from, "from"));
  const to = new Date(checkTime(input.to, "to"));
  // [from, to) with to not after from is an empty range: it holds no slot and creates nothing
  // (the CLI refuses it as a usage error, the likelier mistake there).
  return { from, to };
}

/** The slots of the deployment's active schedules in the range, by time (throws past the cap). */
async function planSlots(db: Kysely<DatabaseSchema>, deployment: DeploymentTable, from: Date, to: Date, parameters: Parameters): Promise<PlannedSlot[]> {
  const schedules = await db.selectFrom("deployment_schedules").selectAll().where("deployment_id", "=", deployment.id).where("is_active", "=", 1).orderBy("created_at").orderBy("id").execute();
  // Refusals that depend on what is stored (the deployment's schedules) are conflicts, not bad input.
  if (schedules.length === 0) throw new WeirError("CONFLICT", `deployment '${deployment.flow_name}/${deployment.name}' has no active schedule to backfill`);
  const slots: PlannedSlot[] = [];
  for (const schedule of schedules) {
    // Parameters that the runs would refuse are refused before anything is created.
    deploymentRunParameters(deployment, fromJsonColumn<Parameters>(schedule.parameters), parameters);
    const times = scheduleSlotsInRange(compileScheduleSpec(fromJsonColumn<ScheduleSpec>(schedule.schedule)), from, to, MAX_BACKFILL_SLOTS - slots.length);
    if (slots.length + times.length > MAX_BACKFILL_SLOTS) {
      throw new WeirError("CONFLICT", `[${from.toISOString()}, ${to.toISOString()}) holds more than ${MAX_BACKFILL_SLOTS} schedule slots; backfill a shorter range at a time`);
    }
    slots.push(...times.map((time) => ({ scheduleId: schedule.id, time, key: scheduledRunKey(schedule.id, time) })));
  }
  return slots.sort((a, b) => a.time.getTime() - b.time.getTime() || a.scheduleId.localeCompare(b.scheduleId));
}

/** Ids of the runs that already hold these slot keys. */
async function existingSlotRuns(db: Kysely<DatabaseSchema>, deploymentId: string, keys: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let start = 0; start < keys.length; start += 500) {
    const rows = await db
      .selectFrom("flow_runs")
      .select(["id", "idempotency_key"])
      .where("deployment_id", "=", deploymentId)
      .where("idempotency_key", "in", keys.slice(start, start + 500))
      .execute();
    for (const row of rows) if (row.idempotency_key !== null) found.set(row.idempotency_key, row.id);
  }
  return found;
}

function requestKey(from: Date, to: Date, parameters: Parameters): string {
  const sorted = Object.fromEntries(Object.entries(parameters).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash("sha256").update(JSON.stringify([from.toISOString(), to.toISOString(), sorted])).digest("hex");
}

/** The recorded backfill of this request: the existing one, or a new one. */
async function recordBackfill(ctx: OrchestrationContext, deploymentId: string, from: Date, to: Date, parameters: Parameters, slotCount: number): Promise<BackfillTable> {
  const key = requestKey(from, to, parameters);
  const row: BackfillTable = {
    id: crypto.randomUUID(),
    deployment_id: deploymentId,
    start_time: from.toISOString(),
    end_time: to.toISOString(),
    parameters: toJsonColumn(parameters),
    request_key: key,
    slot_count: slotCount,
    created_at: ctx.clock.now().toISOString(),
  };
  return ctx.database.writeTransaction(async (trx) => {
    await trx
      .insertInto("backfills")
      .values(row)
      .onConflict((oc) => oc.columns(["deployment_id", "request_key"]).doNothing())
      .execute();
    await trx.updateTable("backfills").set({ slot_count: slotCount }).where("deployment_id", "=", deploymentId).where("request_key", "=", key).execute();
    return trx.selectFrom("backfills").selectAll().where("deployment_id", "=", deploymentId).where("request_key", "=", key).executeTakeFirstOrThrow();
  });
}

/**
 * Create the runs of `slots` (none of which had a run when planned), a chunk per transaction;
 * returns the id of each slot's run by key. A slot another scheduler or backfill made in between
 * keeps that run (the unique key skips it) and is not counted as new.
 */
async function createSlotRuns(ctx: OrchestrationContext, deploymentId: string, slots: PlannedSlot[], parameters: Parameters, tag: string): Promise<{ runIds: Map<string, string>; createdKeys: Set<string> }> {
  const runIds = new Map<string, string>();
  const createdKeys = new Set<string>();
  for (let start = 0; start < slots.length; start += CREATE_CHUNK) {
    const chunk = slots.slice(start, start + CREATE_CHUNK);
    const now = ctx.clock.now();
    const written = await ctx.database.writeTransaction(async (trx) => {
      const deployment = await trx.selectFrom("deployments").selectAll().where("id", "=", deploymentId).executeTakeFirst();
      if (!deployment) throw WeirError.notFound("deployment", deploymentId);
      const scheduleIds = [...new Set(chunk.map((slot) => slot.scheduleId))];
      const schedules = await trx.selectFrom("deployment_schedules").select(["id", "parameters"]).where("id", "in", scheduleIds).execute();
      const parametersOf = new Map(schedules.map((schedule) => [schedule.id, deploymentRunParameters(deployment, fromJsonColumn<Parameters>(schedule.parameters), parameters)]));
      const planned = chunk.flatMap((slot) => {
        const runParameters = parametersOf.get(slot.scheduleId);
        if (runParameters === undefined) return []; // the schedule was deleted meanwhile
        const fields = { parameters: runParameters, tags: [tag], scheduledTime: slot.time.toISOString(), idempotencyKey: slot.key, scheduleId: slot.scheduleId, workQueueName: deployment.work_queue_name, parentFlowRunId: null };
        return [newDeploymentRunRow(deployment, fields, now)];
      });
      if (planned.length === 0) return [];
      const inserted = await trx
        .insertInto("flow_runs")
        .values(planned.map((run) => run.row))
        .onConflict((oc) => oc.columns(["deployment_id", "idempotency_key"]).doNothing())
        .returning("id")
        .execute();
      const insertedIds = new Set(inserted.map((row) => row.id));
      const created = planned.filter((run) => insertedIds.has(run.row.id));
      if (created.length > 0) await trx.insertInto("flow_run_states").values(created.map((run) => stateRow(run.row.id, run.state))).execute();
      return created.map((run): FlowRunTable => run.row);
    });
    for (const row of written) {
      if (row.idempotency_key !== null) {
        runIds.set(row.idempotency_key, row.id);
        createdKeys.add(row.idempotency_key);
      }
      ctx.events.publish({ kind: "flow-run", flowRun: flowRunFromRow(row) });
    }
  }
  const raced = slots.filter((slot) => !runIds.has(slot.key)).map((slot) => slot.key);
  for (const [key, id] of await existingSlotRuns(ctx.database.db, deploymentId, raced)) runIds.set(key, id);
  return { runIds, createdKeys };
}

/** The backfill with its progress: the slot runs in its range, counted by state type. */
async function withProgress(db: Kysely<DatabaseSchema>, row: BackfillTable): Promise<Backfill> {
  const rows = await db
    .selectFrom("flow_runs")
    .select(["state_type", (eb) => eb.fn.countAll<number>().as("count")])
    .where("deployment_id", "=", row.deployment_id)
    .where("expected_start_time", ">=", row.start_time)
    .where("expected_start_time", "<", row.end_time)
    .where("idempotency_key", "like", "scheduled:%")
    .groupBy("state_type")
    .execute();
  const byStateType = Object.fromEntries(STATE_TYPES.map((type) => [type, 0])) as Record<StateType, number>;
  for (const { state_type: type, count } of rows) byStateType[type as StateType] = Number(count);
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    from: row.start_time,
    to: row.end_time,
    parameters: fromJsonColumn<Parameters>(row.parameters),
    slotCount: Number(row.slot_count),
    tag: backfillTag(row.id),
    createdAt: row.created_at,
    progress: { runCount: Object.values(byStateType).reduce((sum, count) => sum + count, 0), byStateType },
  };
}

/** The backfill use cases. */
export function createBackfillService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  return {
    /** Backfill a deployment's schedule slots in `[from, to)` (or list them, with `dryRun`). */
    async backfillDeployment(deploymentId: string, input: BackfillInput): Promise<BackfillResult> {
      checkName(deploymentId, "deploymentId");
      checkObject(input, "input");
      const { from, to } = checkRange(input);
      const parameters = checkObject(input.parameters, "parameters");
      if (input.dryRun !== undefined && typeof input.dryRun !== "boolean") invalid("dryRun", "must be a boolean");
      const deployment = await db.selectFrom("deployments").selectAll().where("id", "=", deploymentId).executeTakeFirst();
      if (!deployment) throw WeirError.notFound("deployment", deploymentId);
      const planned = await planSlots(db, deployment, from, to, parameters);
      const existing = await existingSlotRuns(db, deploymentId, planned.map((slot) => slot.key));
      const slotOf = (slot: PlannedSlot, flowRunId: string | null, isNew: boolean): BackfillSlot => ({ scheduleId: slot.scheduleId, scheduledTime: slot.time.toISOString(), flowRunId, isNew });
      if (input.dryRun === true) {
        const slots = planned.map((slot) => slotOf(slot, existing.get(slot.key) ?? null, !existing.has(slot.key)));
        const createdCount = slots.filter((slot) => slot.isNew).length;
        return { isDryRun: true, backfill: null, slots, createdCount, existingCount: slots.length - createdCount };
      }
      const row = await recordBackfill(ctx, deploymentId, from, to, parameters, planned.length);
      const tag = backfillTag(row.id);
      const { runIds, createdKeys } = await createSlotRuns(ctx, deploymentId, planned.filter((slot) => !existing.has(slot.key)), parameters, tag);
      const slots = planned.map((slot) => slotOf(slot, existing.get(slot.key) ?? runIds.get(slot.key) ?? null, createdKeys.has(slot.key)));
      const createdCount = slots.filter((slot) => slot.isNew).length;
      return { isDryRun: false, backfill: await withProgress(db, row), slots, createdCount, existingCount: slots.length - createdCount };
    },

    /** A deployment's backfills with their progress, newest first (at most 50). */
    async listBackfills(deploymentId: string): Promise<Backfill[]> {
      checkName(deploymentId, "deploymentId");
      const deployment = await db.selectFrom("deployments").select("id").where("id", "=", deploymentId).executeTakeFirst();
      if (!deployment) throw WeirError.notFound("deployment", deploymentId);
      const rows = await db.selectFrom("backfills").selectAll().where("deployment_id", "=", deploymentId).orderBy("created_at", "desc").orderBy("id", "desc").limit(LIST_LIMIT).execute();
      return Promise.all(rows.map((row) => withProgress(db, row)));
    },

    /** One backfill with its progress. */
    async readBackfill(id: string): Promise<Backfill> {
      checkName(id, "id");
      const row = await db.selectFrom("backfills").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) throw WeirError.notFound("backfill", id);
      return withProgress(db, row);
    },
  };
}
