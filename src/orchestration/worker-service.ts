/**
 * Workers: a heartbeat creates or refreshes the worker record of (pool, name); listing reports
 * each worker ONLINE while its last heartbeat is within 3 of its promised intervals, else OFFLINE.
 * A worker coming online is a stored event (worker-status-events.ts).
 */
import type { WorkerHeartbeatInput } from "../core/api-types.js";
import type { Worker } from "../core/models.js";
import { checkInteger, checkName, checkObject } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { readWorkPoolRow } from "./work-pool-service.js";
import { workerFromRow } from "./work-pool-mapper.js";
import { reportWorkerOnline } from "./worker-status-events.js";

/** Heartbeat interval a worker promises when it says nothing. */
export const DEFAULT_WORKER_HEARTBEAT_SECONDS = 10;

/** The workers area of the service layer. */
export function createWorkerService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;
  return {
    async workerHeartbeat(input: WorkerHeartbeatInput): Promise<Worker> {
      checkObject(input, "input");
      const poolName = checkName(input.workPoolName, "workPoolName");
      const name = checkName(input.name, "name");
      const interval =
        input.heartbeatIntervalSeconds === undefined ? DEFAULT_WORKER_HEARTBEAT_SECONDS : checkInteger(input.heartbeatIntervalSeconds, "heartbeatIntervalSeconds", 1);
      const now = ctx.clock.now();
      const nowIso = now.toISOString();
      const row = await database.writeTransaction(async (trx) => {
        const pool = await readWorkPoolRow(trx, poolName);
        await trx
          .insertInto("workers")
          .values({
            id: crypto.randomUUID(),
            name,
            work_pool_id: pool.id,
            work_pool_name: pool.name,
            last_heartbeat_at: nowIso,
            heartbeat_interval_seconds: interval,
            created_at: nowIso,
          })
          .onConflict((oc) => oc.columns(["work_pool_id", "name"]).doUpdateSet({ last_heartbeat_at: nowIso, heartbeat_interval_seconds: interval }))
          .execute();
        const stored = await trx.selectFrom("workers").selectAll().where("work_pool_id", "=", pool.id).where("name", "=", name).executeTakeFirstOrThrow();
        await reportWorkerOnline(trx, stored, pool, now);
        return stored;
      });
      const worker = workerFromRow(row, now);
      ctx.events.publish({ kind: "worker", worker });
      return worker;
    },

    async listWorkers(workPoolName?: string): Promise<Worker[]> {
      let query = db.selectFrom("workers").selectAll().orderBy("work_pool_name").orderBy("name");
      if (workPoolName !== undefined) {
        checkName(workPoolName, "workPoolName");
        await readWorkPoolRow(db, workPoolName);
        query = query.where("work_pool_name", "=", workPoolName);
      }
      const now = ctx.clock.now();
      return (await query.execute()).map((row) => workerFromRow(row, now));
    },
  };
}
