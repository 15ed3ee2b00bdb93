/**
 * Worker and work-pool health as stored events: `worker.online` when a worker heartbeats after
 * being unknown or offline, `worker.offline` when its heartbeats stopped (the same rule as its
 * listed status: silent for more than 3 of its intervals), `work-pool.healthy` when a pool gets
 * its first online worker, `work-pool.unhealthy` when its last one goes offline. The status last
 * reported is kept in `reported_status` (migration 013) and changed by a guarded update, so each
 * change is reported once, also when several processes heartbeat or check at the same time.
 * Offline workers are found by the crash-detection service (`reportOfflineWorkers`).
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema, WorkPoolTable, WorkerTable } from "../db/schema.js";
import { appendEvents } from "./append-events.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { workPoolFromRow, workerFromRow } from "./work-pool-mapper.js";
import { workPoolEvent, workerEvent } from "./resource-events.js";

type Trx = Kysely<DatabaseSchema>;

/** Report `worker` online (and its pool healthy) unless that is what was reported last; in a write transaction. */
export async function reportWorkerOnline(trx: Trx, worker: WorkerTable, pool: WorkPoolTable, now: Date): Promise<void> {
  if (worker.reported_status === "ONLINE") return;
  const changed = await trx
    .updateTable("workers")
    .set({ reported_status: "ONLINE" })
    .where("id", "=", worker.id)
    .where((eb) => eb.or([eb("reported_status", "is", null), eb("reported_status", "<>", "ONLINE")]))
    .executeTakeFirst();
  if (Number(changed.numUpdatedRows) === 0) return;
  const events = [workerEvent("online", workerFromRow(worker, now), now.toISOString())];
  const poolChanged = await trx
    .updateTable("work_pools")
    .set({ reported_status: "healthy" })
    .where("id", "=", pool.id)
    .where((eb) => eb.or([eb("reported_status", "is", null), eb("reported_status", "<>", "healthy")]))
    .executeTakeFirst();
  if (Number(poolChanged.numUpdatedRows) > 0) events.push(workPoolEvent("healthy", workPoolFromRow(pool)));
  await appendEvents(trx, events, now);
}

/** Report the workers reported online whose heartbeats stopped as offline (and pools left without an online worker unhealthy); returns their ids. */
export async function reportOfflineWorkers(ctx: OrchestrationContext): Promise<string[]> {
  const { database } = ctx;
  const now = ctx.clock.now();
  const online = await database.db.selectFrom("workers").selectAll().where("reported_status", "=", "ONLINE").execute();
  const silent = online.filter((row) => workerFromRow(row, now).status === "OFFLINE");
  if (silent.length === 0) return [];
  return database.writeTransaction(async (trx) => {
    const reported: string[] = [];
    for (const row of silent) {
      // Only if no heartbeat came in meanwhile.
      const changed = await trx
        .updateTable("workers")
        .set({ reported_status: "OFFLINE" })
        .where("id", "=", row.id)
        .where("reported_status", "=", "ONLINE")
        .where("last_heartbeat_at", "=", row.last_heartbeat_at)
        .executeTakeFirst();
      if (Number(changed.numUpdatedRows) === 0) continue;
      reported.push(row.id);
      await appendEvents(trx, [workerEvent("offline", workerFromRow(row, now), now.toISOString())], now);
    }
    for (const poolId of new Set(silent.filter((row) => reported.includes(row.id)).map((row) => row.work_pool_id))) {
      const stillOnline = await trx.selectFrom("workers").select("id").where("work_pool_id", "=", poolId).where("reported_status", "=", "ONLINE").limit(1).executeTakeFirst();
      if (stillOnline) continue;
      const pool = await trx.selectFrom("work_pools").selectAll().where("id", "=", poolId).executeTakeFirst();
      if (!pool) continue;
      const changed = await trx.updateTable("work_pools").set({ reported_status: "unhealthy" }).where("id", "=", poolId).where("reported_status", "=", "healthy").executeTakeFirst();
      if (Number(changed.numUpdatedRows) > 0) await appendEvents(trx, [workPoolEvent("unhealthy", workPoolFromRow(pool))], now);
    }
    return reported;
  });
}
