/**
 * Claims: a worker asks for up to `limit` due runs of its pool; each is moved Scheduled → Pending
 * with the worker's id and name, exactly once ever, inside one write transaction (`BEGIN
 * IMMEDIATE` on SQLite; `FOR UPDATE SKIP LOCKED` on PostgreSQL so concurrent claimers take
 * different rows without waiting).
 *
 * Order: the pool's non-paused queues by priority (1 first, then name), inside a queue by due time
 * (`next_scheduled_start_time`, then id). A claim records when each polled queue was last polled
 * (to within {@link POLL_RECORD_INTERVAL_MS}). Limits: the pool's and each queue's concurrency limit
 * count runs Pending, Running or Cancelling (their rows are locked while counting on PostgreSQL);
 * a deployment's limit, when full, either parks the run as `AwaitingConcurrencySlot` (ENQUEUE;
 * it stays due and is claimed when a slot frees) or cancels it (CANCEL_NEW), with the reason in
 * the state message. Runs of paused deployments and paused pools/queues are not claimed.
 * An `AwaitingRetry` run is claimed only once its last heartbeat is stale: while the process that
 * failed it still heartbeats, that process retries it itself.
 *
 * Reading: each queue is read page by page (src/orchestration/claim-candidates.ts) until `take`
 * runs are claimed or no due run is left. A deployment found full is left out of the later pages,
 * and AwaitingRetry runs with a fresh heartbeat are left out of every page, so neither can hide
 * the runs of other deployments behind them. A run a schedule created also follows that
 * schedule's overlap policy (overlap-check.ts): it may be skipped, parked, or cancel others. Runs of a full deployment that were on a page
 * already read are parked (once: a run already `AwaitingConcurrencySlot` is not parked again);
 * the rest are parked by the claim whose first page reaches them. The pages only go forward and
 * each one after the first drops every deployment found full so far, so the loop ends; it is
 * capped at {@link MAX_CANDIDATE_PAGES} per queue to bound one transaction in a pathological
 * queue (hundreds of full deployments interleaved at its head), the next claim reading on.
 */
import type { Kysely } from "kysely";
import type { ClaimFlowRunsInput } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";
import { makeState } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import type { DatabaseSchema, FlowRunTable, WorkPoolTable, WorkQueueTable } from "../db/schema.js";
import { applyFlowRunState } from "./apply-flow-run-state.js";
import { isHeartbeatStale, readCandidatePage, readRetryStalenessCutoffs, type CandidateCursor } from "./claim-candidates.js";
import { SLOT_HOLDING_STATE_TYPES } from "./deployment-slot-check.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { flowRunRowCacheOf } from "./flow-run-row-cache.js";
import { checkInteger, checkName, checkObject, checkStringList, checkTime, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";

type Trx = Kysely<DatabaseSchema>;

/** Most runs one claim may take. */
export const MAX_CLAIM_LIMIT = 1000;
/** Most candidate pages one claim reads in one queue (see the header). */
export const MAX_CANDIDATE_PAGES = 50;
/** A queue's `last_polled_at` is moved by a claim only once it is this old. */
export const POLL_RECORD_INTERVAL_MS = 5000;

/**
 * Candidate rows for a page when `wanted` more runs may be taken. The first page reads exactly
 * `wanted`: on PostgreSQL a page's rows stay locked until the claim commits, and a spare locked
 * row would be skipped by a concurrent claimer, which would then take lower-priority runs while
 * it is still due. Later pages, read only because rows were passed over, leave room for more.
 */
function candidatePageSize(wanted: number, pageNumber: number): number {
  return pageNumber === 0 ? wanted : wanted * 2 + 10;
}

interface DeploymentSlot {
  name: string;
  limit: number | null;
  strategy: string;
  active: number;
}

/** The pool's row (what a claim needs of it) and its queues by priority, in one round trip. */
async function readPoolAndQueues(trx: Trx, poolName: string): Promise<{ pool: Pick<WorkPoolTable, "id" | "name" | "is_paused" | "concurrency_limit">; queues: WorkQueueTable[] }> {
  const rows = await trx
    .selectFrom("work_pools as p")
    .leftJoin("work_queues as q", "q.work_pool_id", "p.id")
    .selectAll("q")
    .select(["p.id as pool_id", "p.is_paused as pool_is_paused", "p.concurrency_limit as pool_concurrency_limit"])
    .where("p.name", "=", poolName)
    .orderBy("q.priority")
    .orderBy("q.name")
    .execute();
  const first = rows[0];
  if (first === undefined) throw WeirError.notFound("work pool", poolName);
  const pool = { id: first.pool_id, name: poolName, is_paused: first.pool_is_paused, concurrency_limit: first.pool_concurrency_limit };
  // A pool without queues gives one row whose queue columns are null.
  const queues = rows
    .filter((row) => row.id !== null)
    .map(({ pool_id: _id, pool_is_paused: _paused, pool_concurrency_limit: _limit, ...queue }) => queue as WorkQueueTable);
  return { pool, queues };
}

/** The claims area of the service layer. */
export function createClaimService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { capabilities } = database;
  const rowCache = flowRunRowCacheOf(database);

  async function countActive(trx: Trx, column: "work_pool_name" | "deployment_id", value: string, queueName?: string): Promise<number> {
    let query = trx
      .selectFrom("flow_runs")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where(column, "=", value)
      .where("state_type", "in", [...SLOT_HOLDING_STATE_TYPES]);
    if (queueName !== undefined) query = query.where("work_queue_name", "=", queueName);
    return Number((await query.executeTakeFirstOrThrow()).count);
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
        const { pool, queues } = await readPoolAndQueues(trx, poolName);
        for (const name of queueNames ?? []) {
          if (!queues.some((queue) => queue.name === name)) throw WeirError.notFound("work queue", `${poolName}/${name}`);
        }
        const polled = queues.filter((queue) => queueNames === null || queueNames.includes(queue.name));
        // Recorded at most every POLL_RECORD_INTERVAL_MS per queue: a write on every claim would
        // lock the queue rows and make concurrent claimers of a pool wait for each other.
        const pollNotRecorded = polled.filter((queue) => queue.last_polled_at === null || now.getTime() - Date.parse(queue.last_polled_at) >= POLL_RECORD_INTERVAL_MS);
        if (pollNotRecorded.length > 0) {
          await trx.updateTable("work_queues").set({ last_polled_at: now.toISOString() }).where("id", "in", pollNotRecorded.map((queue) => queue.id)).execute();
        }
        if (pool.is_paused) return { claimed: claimedRows, changed: changedRows };
        const active = polled.filter((queue) => !queue.is_paused);
        const hasLimits = pool.concurrency_limit !== null || active.some((queue) => queue.concurrency_limit !== null);
        // Counting then claiming must not interleave between claimers when a limit applies.
        if (hasLimits && capabilities.supportsRowLocks) await trx.selectFrom("work_pools").select("id").where("id", "=", pool.id).forUpdate().execute();
        let remaining = limit;
        if (pool.concurrency_limit !== null) remaining = Math.min(remaining, Number(pool.concurrency_limit) - (await countActive(trx, "work_pool_name", pool.name)));
        const slots = new Map<string, DeploymentSlot>();

        async function deploymentSlot(id: string): Promise<DeploymentSlot> {
          const known = slots.get(id);
          if (known) return known;
          const readDeployment = (lock: boolean) => {
            const query = trx.selectFrom("deployments").select(["name", "concurrency_limit", "collision_strategy"]).where("id", "=", id);
            return (lock ? query.forUpdate() : query).executeTakeFirst();
          };
          // Locked (so that counting then claiming does not interleave between claimers) only
          // when the deployment has a limit: claims of unlimited deployments never wait on each other.
          let row = await readDeployment(false);
          if (row?.concurrency_limit != null && capabilities.supportsRowLocks) row = await readDeployment(true);
          const slot: DeploymentSlot = { name: row?.name ?? id, limit: row?.concurrency_limit ?? null, strategy: row?.collision_strategy ?? "ENQUEUE", active: 0 };
          if (slot.limit !== null) slot.active = await countActive(trx, "deployment_id", id);
          slots.set(id, slot);
          return slot;
        }

        /** A run of a full deployment: cancelled (CANCEL_NEW) or parked once (ENQUEUE); the changed row, if any. */
        async function holdBack(row: FlowRunTable, slot: DeploymentSlot): Promise<FlowRunTable | null> {
          const reason = `deployment '${slot.name}' is at its concurrency limit of ${String(slot.limit)}`;
          if (slot.strategy === "CANCEL_NEW") {
            const applied = await applyFlowRunState(trx, row, makeState("Cancelled", { now, message: `${reason}; collision strategy CANCEL_NEW` }), now);
            return applied.isChanged ? applied.row : null;
          }
          if (row.state_name === "AwaitingConcurrencySlot") return null;
          const waiting = makeState("AwaitingConcurrencySlot", { now, message: `${reason}; waiting for a slot`, scheduledTime: row.next_scheduled_start_time });
          const applied = await applyFlowRunState(trx, row, waiting, now);
          return applied.isChanged ? applied.row : null;
        }

        const isFull = (slot: DeploymentSlot | null): boolean => slot !== null && slot.limit !== null && slot.active >= slot.limit;
        // Deployments this claim found at their limit: left out of every later page.
        const fullIds = new Set<string>();
        const retryCutoffs = await readRetryStalenessCutoffs(trx, pool.name, now);

        for (const queue of active) {
          if (remaining <= 0) break;
          let take = remaining;
          if (queue.concurrency_limit !== null) take = Math.min(take, Number(queue.concurrency_limit) - (await countActive(trx, "work_pool_name", pool.name, queue.name)));
          if (take <= 0) continue;
          let taken = 0;
          let after: CandidateCursor | null = null;
          for (let pageNumber = 0; pageNumber < MAX_CANDIDATE_PAGES && taken < take; pageNumber++) {
            const pageSize = candidatePageSize(take - taken, pageNumber);
            const excludedDeploymentIds = [...fullIds];
            const rows = await readCandidatePage(trx, database, { poolName: pool.name, queueName: queue.name, before, pageSize, after, excludedDeploymentIds, retryCutoffs });
            for (const row of rows) {
              if (taken >= take) break;
              after = { dueTime: row.next_scheduled_start_time ?? "", id: row.id };
              // The SQL filter already left these out; a run that turned AwaitingRetry since the cutoffs were read is caught here.
              if (!isHeartbeatStale(row, now)) continue;
              const slot = row.deployment_id === null ? null : await deploymentSlot(row.deployment_id);
              if (slot && isFull(slot)) {
                fullIds.add(row.deployment_id ?? "");
                const applied = await holdBack(row, slot);
                if (applied) changedRows.push(applied);
                continue;
              }
              const applied = await applyFlowRunState(trx, row, makeState("Pending", { now }), now, {
                extraColumns: { worker_id: workerId, worker_name: workerName },
                isDeploymentSlotCounted: true,
                database,
              });
              // Runs a schedule's overlap policy cancelled, and this one if it held it back.
              changedRows.push(...(applied.otherChangedRuns ?? []));
              if (applied.result.status !== "ACCEPT") {
                if (applied.isChanged) changedRows.push(applied.row);
                continue;
              }
              claimedRows.push(applied.row);
              taken += 1;
              if (slot) slot.active += 1;
              if (isFull(slot)) fullIds.add(row.deployment_id ?? "");
            }
            if (rows.length < pageSize) break;
          }
          remaining -= taken;
        }
        return { claimed: claimedRows, changed: changedRows };
      });
      // The claimed rows are the latest: the run's next state change (Running) can skip reading them.
      for (const row of claimed) rowCache.remember(row);
      for (const row of changed) rowCache.forget(row.id);
      const runs = claimed.map(flowRunFromRow);
      for (const flowRun of [...changed.map(flowRunFromRow), ...runs]) ctx.events.publish({ kind: "flow-run", flowRun });
      return runs;
    },
  };
}
