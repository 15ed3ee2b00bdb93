/**
 * Claims: a worker asks for up to `limit` due runs of its pool; each is moved Scheduled → Pending
 * with the worker's id and name, exactly once ever, inside one write transaction (`BEGIN
 * IMMEDIATE` on SQLite; `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent claimers take
 * different rows without waiting).
 *
 * Order: the pool's non-paused queues by priority (1 first, then name), inside a queue by due time
 * (`next_scheduled_start_time`, then id). Limits: the pool's and each queue's concurrency limit
 * count runs Pending, Running or Cancelling (their rows are locked while counting on PostgreSQL);
 * a deployment's limit, when full, either parks the run as `AwaitingConcurrencySlot` (ENQUEUE;
 * it stays due and is claimed when a slot frees) or cancels it (CANCEL_NEW), with the reason in
 * the state message. Runs of paused deployments and paused pools/queues are not claimed.
 * An `AwaitingRetry` run is claimed only once its last heartbeat is stale: while the process that
 * failed it still heartbeats, that process retries it itself.
 */
import type { Kysely } from "kysely";
import type { ClaimFlowRunsInput } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";
import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import type { DatabaseSchema, FlowRunTable, WorkQueueTable } from "../db/schema.js";
import { applyFlowRunState } from "./apply-flow-run-state.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { checkInteger, checkName, checkObject, checkStringList, checkTime, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { readWorkPoolRow } from "./work-pool-service.js";

type Trx = Kysely<DatabaseSchema>;

/** State types that hold a concurrency slot. */
export const SLOT_HOLDING_STATE_TYPES = ["PENDING", "RUNNING", "CANCELLING"] as const;
/** Most runs one claim may take. */
export const MAX_CLAIM_LIMIT = 1000;
/** Heartbeat interval assumed for a run that never said (for the AwaitingRetry staleness check). */
const DEFAULT_RUN_HEARTBEAT_SECONDS = 30;

interface DeploymentSlot {
  name: string;
  limit: number | null;
  strategy: string;
  active: number;
}

/** The claims area of the service layer. */
export function createClaimService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { capabilities } = database;

  async function countActive(trx: Trx, column: "work_pool_name" | "deployment_id", value: string, queueName?: string): Promise<number> {
    let query = trx
      .selectFrom("flow_runs")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where(column, "=", value)
      .where("state_type", "in", [...SLOT_HOLDING_STATE_TYPES]);
    if (queueName !== undefined) query = query.where("work_queue_name", "=", queueName);
    return Number((await query.executeTakeFirstOrThrow()).count);
  }

  function isClaimable(row: FlowRunTable, now: Date): boolean {
    if (row.state_name !== "AwaitingRetry" || row.heartbeat_at === null) return true;
    const intervalSeconds = row.heartbeat_interval_seconds ?? DEFAULT_RUN_HEARTBEAT_SECONDS;
    return now.getTime() - Date.parse(row.heartbeat_at) > 2 * intervalSeconds * 1000;
  }

  async function candidates(trx: Trx, poolName: string, queue: WorkQueueTable, before: string, count: number, pausedDeploymentIds: string[]): Promise<FlowRunTable[]> {
    let query = trx
      .selectFrom("flow_runs")
      .selectAll()
      .where("work_pool_name", "=", poolName)
      .where("work_queue_name", "=", queue.name)
      .where("state_type", "=", "SCHEDULED")
      .where("next_scheduled_start_time", "<=", before)
      .orderBy("next_scheduled_start_time")
      .orderBy("id")
      .limit(count);
    if (pausedDeploymentIds.length > 0) query = query.where((eb) => eb.or([eb("deployment_id", "is", null), eb("deployment_id", "not in", pausedDeploymentIds)]));
    if (capabilities.supportsSkipLocked) query = query.forUpdate().skipLocked();
    return query.execute();
  }

  return {
    async claimFlowRuns(input: ClaimFlowRunsInput): Promise<FlowRun[]> {
      checkObject(input, "input");
      const poolName = checkName(input.workPoolName, "workPoolName");
      const workerId = checkName(input.workerId, "workerId");
      const workerName = input.workerName === undefined ? null : checkName(input.workerName, "workerName");
      const limit = checkInteger(input.limit, "limit", 0);
      if (limit > MAX_CLAIM_LIMIT) invalid("limit", `must be at most ${MAX_CLAIM_LIMIT}`);
      const queueNames = input.workQueueNames === undefined ? null : checkStringList(input.workQueueNames, "workQueueNames");
      const now = ctx.clock.now();
      const before = input.scheduledBefore === undefined ? now.toISOString() : checkTime(input.scheduledBefore, "scheduledBefore");
      if (limit === 0) return [];

      const { claimed, changed } = await database.writeTransaction(async (trx) => {
        const claimedRows: FlowRunTable[] = [];
        const changedRows: FlowRunTable[] = [];
        const pool = await readWorkPoolRow(trx, poolName);
        const queues = await trx.selectFrom("work_queues").selectAll().where("work_pool_id", "=", pool.id).orderBy("priority").orderBy("name").execute();
        for (const name of queueNames ?? []) {
          if (!queues.some((queue) => queue.name === name)) throw WeirError.notFound("work queue", `${poolName}/${name}`);
        }
        const polled = queues.filter((queue) => queueNames === null || queueNames.includes(queue.name));
        if (polled.length > 0) {
          await trx.updateTable("work_queues").set({ last_polled_at: now.toISOString() }).where("id", "in", polled.map((queue) => queue.id)).execute();
        }
        if (pool.is_paused) return { claimed: claimedRows, changed: changedRows };
        const active = polled.filter((queue) => !queue.is_paused);
        const hasLimits = pool.concurrency_limit !== null || active.some((queue) => queue.concurrency_limit !== null);
        // Counting then claiming must not interleave between claimers when a limit applies.
        if (hasLimits && capabilities.supportsRowLocks) await trx.selectFrom("work_pools").select("id").where("id", "=", pool.id).forUpdate().execute();
        let remaining = limit;
        if (pool.concurrency_limit !== null) remaining = Math.min(remaining, Number(pool.concurrency_limit) - (await countActive(trx, "work_pool_name", pool.name)));
        const paused = await trx.selectFrom("deployments").select("id").where("work_pool_name", "=", pool.name).where("is_paused", "=", 1).execute();
        const pausedIds = paused.map((row) => row.id);
        const slots = new Map<string, DeploymentSlot>();

        async function deploymentSlot(id: string): Promise<DeploymentSlot> {
          const known = slots.get(id);
          if (known) return known;
          let query = trx.selectFrom("deployments").select(["name", "concurrency_limit", "collision_strategy"]).where("id", "=", id);
          if (capabilities.supportsRowLocks) query = query.forUpdate();
          const row = await query.executeTakeFirst();
          const slot: DeploymentSlot = { name: row?.name ?? id, limit: row?.concurrency_limit ?? null, strategy: row?.collision_strategy ?? "ENQUEUE", active: 0 };
          if (slot.limit !== null) slot.active = await countActive(trx, "deployment_id", id);
          slots.set(id, slot);
          return slot;
        }

        for (const queue of active) {
          if (remaining <= 0) break;
          let take = remaining;
          if (queue.concurrency_limit !== null) take = Math.min(take, Number(queue.concurrency_limit) - (await countActive(trx, "work_pool_name", pool.name, queue.name)));
          if (take <= 0) continue;
          let taken = 0;
          for (const row of await candidates(trx, pool.name, queue, before, take * 2 + 10, pausedIds)) {
            if (taken >= take) break;
            if (!isClaimable(row, now)) continue;
            const slot = row.deployment_id === null ? null : await deploymentSlot(row.deployment_id);
            if (slot && slot.limit !== null && slot.active >= slot.limit) {
              const reason = `deployment '${slot.name}' is at its concurrency limit of ${slot.limit}`;
              if (slot.strategy === "CANCEL_NEW") {
                const applied = await applyFlowRunState(trx, row, makeState("Cancelled", { now, message: `${reason}; collision strategy CANCEL_NEW` }), now);
                if (applied.isChanged) changedRows.push(applied.row);
              } else if (row.state_name !== "AwaitingConcurrencySlot") {
                const waiting = makeState("AwaitingConcurrencySlot", { now, message: `${reason}; waiting for a slot`, scheduledTime: row.next_scheduled_start_time });
                const applied = await applyFlowRunState(trx, row, waiting, now);
                if (applied.isChanged) changedRows.push(applied.row);
              }
              continue;
            }
            const applied = await applyFlowRunState(trx, row, makeState("Pending", { now }), now, { extraColumns: { worker_id: workerId, worker_name: workerName } });
            if (applied.result.status !== "ACCEPT") continue;
            claimedRows.push(applied.row);
            taken += 1;
            if (slot) slot.active += 1;
          }
          remaining -= taken;
        }
        return { claimed: claimedRows, changed: changedRows };
      });
      const runs = claimed.map(flowRunFromRow);
      for (const flowRun of [...changed.map(flowRunFromRow), ...runs]) ctx.events.publish({ kind: "flow-run", flowRun });
      return runs;
    },
  };
}
