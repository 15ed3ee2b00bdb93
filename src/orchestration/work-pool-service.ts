/**
 * Work pools and their queues: create, read, list, update (pause/resume, limits, priorities),
 * delete. Every pool has a `default` queue (created with the pool, never deleted); the `default`
 * pool itself exists from migration 001 and cannot be deleted.
 */
import type { Kysely } from "kysely";
import type { CreateWorkPoolInput, CreateWorkQueueInput, UpdateWorkPoolInput, UpdateWorkQueueInput } from "../core/api-types.js";
import { WORK_POOL_TYPES } from "../core/input-limits.js";
import type { WorkPool, WorkQueue } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import type { DatabaseSchema, WorkPoolTable, WorkQueueTable } from "../db/schema.js";
import { checkName, checkObject, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { checkConcurrencyLimit, checkDescription, checkOptionalBoolean, checkPriority } from "./work-pool-checks.js";
import { workPoolFromRow, workQueueFromRow } from "./work-pool-mapper.js";
import { appendEvents } from "./append-events.js";
import { changedFields, workPoolEvent, workQueueEvent } from "./resource-events.js";

type Trx = Kysely<DatabaseSchema>;

/** Name of the pool and queue that exist out of the box. */
export const DEFAULT_WORK_POOL_NAME = "default";
/** Name of the queue every pool has. */
export const DEFAULT_WORK_QUEUE_NAME = "default";

/** The pool row named `name`, or NOT_FOUND. */
export async function readWorkPoolRow(trx: Trx, name: string): Promise<WorkPoolTable> {
  const row = await trx.selectFrom("work_pools").selectAll().where("name", "=", name).executeTakeFirst();
  if (!row) throw WeirError.notFound("work pool", name);
  return row;
}

function newQueueRow(pool: WorkPoolTable, name: string, now: string, fields: Partial<WorkQueueTable> = {}): WorkQueueTable {
  return {
    id: crypto.randomUUID(),
    work_pool_id: pool.id,
    work_pool_name: pool.name,
    name,
    description: null,
    priority: 1,
    concurrency_limit: null,
    is_paused: 0,
    last_polled_at: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

/** The queue `name` of pool `poolName`, created (lowest priority so far + 1) if missing; pool must exist. */
export async function ensureWorkQueue(trx: Trx, poolName: string, name: string, now: string): Promise<WorkQueueTable> {
  const pool = await readWorkPoolRow(trx, poolName);
  const existing = await trx.selectFrom("work_queues").selectAll().where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirst();
  if (existing) return existing;
  const last = await trx.selectFrom("work_queues").select((eb) => eb.fn.max("priority").as("priority")).where("work_pool_id", "=", pool.id).executeTakeFirst();
  const row = newQueueRow(pool, name, now, { priority: Number(last?.priority ?? 0) + 1 });
  const inserted = await trx.insertInto("work_queues").values(row).onConflict((oc) => oc.columns(["work_pool_id", "name"]).doNothing()).executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) > 0) await appendEvents(trx, [workQueueEvent("created", workQueueFromRow(row))], new Date(now));
  return trx.selectFrom("work_queues").selectAll().where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirstOrThrow();
}

/** The work-pools area of the service layer (pools and queues). */
export function createWorkPoolService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;

  async function readQueueRow(poolName: string, name: string): Promise<WorkQueueTable> {
    checkName(poolName, "workPoolName");
    checkName(name, "name");
    const row = await db.selectFrom("work_queues").selectAll().where("work_pool_name", "=", poolName).where("name", "=", name).executeTakeFirst();
    if (row) return row;
    await readWorkPoolRow(db, poolName);
    throw WeirError.notFound("work queue", `${poolName}/${name}`);
  }

  return {
    async createWorkPool(input: CreateWorkPoolInput): Promise<WorkPool> {
      checkObject(input, "input");
      const name = checkName(input.name, "name");
      const type = input.type === undefined ? WORK_POOL_TYPES[0] : checkName(input.type, "type");
      if (!(WORK_POOL_TYPES as readonly string[]).includes(type)) invalid("type", `unknown work pool type '${type}' (supported: ${WORK_POOL_TYPES.join(", ")})`);
      const now = ctx.clock.now().toISOString();
      const row: WorkPoolTable = {
        id: crypto.randomUUID(),
        name,
        type,
        description: checkDescription(input.description, "description"),
        is_paused: checkOptionalBoolean(input.isPaused, "isPaused") ? 1 : 0,
        concurrency_limit: checkConcurrencyLimit(input.concurrencyLimit, "concurrencyLimit"),
        created_at: now,
        updated_at: now,
      };
      await database.writeTransaction(async (trx) => {
        const existing = await trx.selectFrom("work_pools").select("id").where("name", "=", name).executeTakeFirst();
        if (existing) throw new WeirError("CONFLICT", `work pool '${name}' already exists`);
        await trx.insertInto("work_pools").values(row).execute();
        await trx.insertInto("work_queues").values(newQueueRow(row, DEFAULT_WORK_QUEUE_NAME, now, { description: "Default queue" })).execute();
        await appendEvents(trx, [workPoolEvent("created", workPoolFromRow(row))], new Date(now));
      });
      return workPoolFromRow(row);
    },

    async readWorkPool(name: string): Promise<WorkPool> {
      checkName(name, "name");
      return workPoolFromRow(await readWorkPoolRow(db, name));
    },

    async listWorkPools(): Promise<WorkPool[]> {
      const rows = await db.selectFrom("work_pools").selectAll().orderBy("name").execute();
      return rows.map(workPoolFromRow);
    },

    async updateWorkPool(name: string, patch: UpdateWorkPoolInput): Promise<WorkPool> {
      checkName(name, "name");
      checkObject(patch, "patch");
      const set: Partial<WorkPoolTable> = { updated_at: ctx.clock.now().toISOString() };
      if (patch.description !== undefined) set.description = checkDescription(patch.description, "description");
      if (patch.concurrencyLimit !== undefined) set.concurrency_limit = checkConcurrencyLimit(patch.concurrencyLimit, "concurrencyLimit");
      const isPaused = checkOptionalBoolean(patch.isPaused, "isPaused");
      if (isPaused !== undefined) set.is_paused = isPaused ? 1 : 0;
      return database.writeTransaction(async (trx) => {
        const before = workPoolFromRow(await readWorkPoolRow(trx, name));
        await trx.updateTable("work_pools").set(set).where("name", "=", name).execute();
        const after = workPoolFromRow(await readWorkPoolRow(trx, name));
        const changed = changedFields(before, after);
        if (changed.length > 0) await appendEvents(trx, [workPoolEvent("updated", after, { changed })], new Date(after.updatedAt));
        return after;
      });
    },

    async deleteWorkPool(name: string): Promise<void> {
      checkName(name, "name");
      if (name === DEFAULT_WORK_POOL_NAME) throw new WeirError("CONFLICT", "the default work pool cannot be deleted");
      await database.writeTransaction(async (trx) => {
        const pool = await readWorkPoolRow(trx, name);
        const users = await trx.selectFrom("deployments").select("name").where("work_pool_name", "=", name).limit(1).execute();
        if (users.length > 0) throw new WeirError("CONFLICT", `work pool '${name}' is used by deployment '${users[0]?.name}'`);
        await trx.deleteFrom("workers").where("work_pool_id", "=", pool.id).execute();
        await trx.deleteFrom("work_queues").where("work_pool_id", "=", pool.id).execute();
        await trx.deleteFrom("work_pools").where("id", "=", pool.id).execute();
        await appendEvents(trx, [workPoolEvent("deleted", workPoolFromRow(pool))], ctx.clock.now());
      });
    },

    async createWorkQueue(input: CreateWorkQueueInput): Promise<WorkQueue> {
      checkObject(input, "input");
      const poolName = checkName(input.workPoolName, "workPoolName");
      const name = checkName(input.name, "name");
      const now = ctx.clock.now().toISOString();
      const fields = {
        description: checkDescription(input.description, "description"),
        priority: checkPriority(input.priority, "priority"),
        concurrency_limit: checkConcurrencyLimit(input.concurrencyLimit, "concurrencyLimit"),
        is_paused: checkOptionalBoolean(input.isPaused, "isPaused") ? 1 : 0,
      };
      const row = await database.writeTransaction(async (trx) => {
        const pool = await readWorkPoolRow(trx, poolName);
        const existing = await trx.selectFrom("work_queues").select("id").where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirst();
        if (existing) throw new WeirError("CONFLICT", `work queue '${poolName}/${name}' already exists`);
        const created = newQueueRow(pool, name, now, fields);
        await trx.insertInto("work_queues").values(created).execute();
        await appendEvents(trx, [workQueueEvent("created", workQueueFromRow(created))], new Date(now));
        return created;
      });
      return workQueueFromRow(row);
    },

    async readWorkQueue(workPoolName: string, name: string): Promise<WorkQueue> {
      return workQueueFromRow(await readQueueRow(workPoolName, name));
    },

    async listWorkQueues(workPoolName?: string): Promise<WorkQueue[]> {
      let query = db.selectFrom("work_queues").selectAll().orderBy("work_pool_name").orderBy("priority").orderBy("name");
      if (workPoolName !== undefined) {
        checkName(workPoolName, "workPoolName");
        await readWorkPoolRow(db, workPoolName);
        query = query.where("work_pool_name", "=", workPoolName);
      }
      return (await query.execute()).map(workQueueFromRow);
    },

    async updateWorkQueue(workPoolName: string, name: string, patch: UpdateWorkQueueInput): Promise<WorkQueue> {
      const row = await readQueueRow(workPoolName, name);
      checkObject(patch, "patch");
      const set: Partial<WorkQueueTable> = { updated_at: ctx.clock.now().toISOString() };
      if (patch.description !== undefined) set.description = checkDescription(patch.description, "description");
      if (patch.priority !== undefined) set.priority = checkPriority(patch.priority, "priority");
      if (patch.concurrencyLimit !== undefined) set.concurrency_limit = checkConcurrencyLimit(patch.concurrencyLimit, "concurrencyLimit");
      const isPaused = checkOptionalBoolean(patch.isPaused, "isPaused");
      if (isPaused !== undefined) set.is_paused = isPaused ? 1 : 0;
      const after = workQueueFromRow({ ...row, ...set });
      await database.writeTransaction(async (trx) => {
        await trx.updateTable("work_queues").set(set).where("id", "=", row.id).execute();
        const changed = changedFields(workQueueFromRow(row), after);
        if (changed.length > 0) await appendEvents(trx, [workQueueEvent("updated", after, { changed })], new Date(after.updatedAt));
      });
      return after;
    },

    async deleteWorkQueue(workPoolName: string, name: string): Promise<void> {
      const row = await readQueueRow(workPoolName, name);
      if (name === DEFAULT_WORK_QUEUE_NAME) throw new WeirError("CONFLICT", `the default queue of work pool '${workPoolName}' cannot be deleted`);
      // As for a pool: a deployment's runs would wait in a queue no worker can be started on.
      const users = await db.selectFrom("deployments").select("name").where("work_pool_name", "=", workPoolName).where("work_queue_name", "=", name).limit(1).execute();
      if (users.length > 0) throw new WeirError("CONFLICT", `work queue '${name}' of pool '${workPoolName}' is used by deployment '${users[0]?.name}'`);
      await database.writeTransaction(async (trx) => {
        const deleted = await trx.deleteFrom("work_queues").where("id", "=", row.id).executeTakeFirst();
        if (Number(deleted.numDeletedRows) > 0) await appendEvents(trx, [workQueueEvent("deleted", workQueueFromRow(row))], ctx.clock.now());
      });
    },
  };
}
