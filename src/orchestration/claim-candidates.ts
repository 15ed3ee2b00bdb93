/**
 * The rows a claim looks at: one page of a queue's due runs, in due order, read with a keyset
 * cursor so the next page starts right after the last row seen (a claim never sees a row twice).
 *
 * Why pages and exclusions: runs that cannot be claimed now must not hide the runs behind them.
 * Two kinds stay due and would otherwise fill every fixed-size window at the head of a queue:
 * - runs of a deployment at its concurrency limit (parked `AwaitingConcurrencySlot`): the claim
 *   passes the ids of the deployments it has found full, and later pages leave them out;
 * - `AwaitingRetry` runs whose heartbeat is fresh (the failing process retries them itself):
 *   left out in SQL. Their staleness depends on each run's heartbeat interval, and timestamps are
 *   ISO strings (no date arithmetic shared by SQLite and PostgreSQL), so the claim first reads
 *   the few distinct intervals of the pool's AwaitingRetry runs and turns each into a cutoff.
 */
import { sql, type ExpressionBuilder, type Kysely } from "kysely";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";

type Trx = Kysely<DatabaseSchema>;

/** Heartbeat interval assumed for a run that never said (for the AwaitingRetry staleness check). */
export const DEFAULT_RUN_HEARTBEAT_SECONDS = 30;
/** An AwaitingRetry run is left to its own process until this many intervals pass without a heartbeat. */
const MISSED_HEARTBEATS_BEFORE_STALE = 2;

/** Where the previous page ended: the last row's due time and id. */
export interface CandidateCursor {
  dueTime: string;
  id: string;
}

/** A heartbeat interval seen on an AwaitingRetry run, and the heartbeat time before which such a run is stale. */
export interface RetryStalenessCutoff {
  intervalSeconds: number;
  staleBefore: string;
}

/** One page of a queue's due runs. */
export interface CandidatePageQuery {
  poolName: string;
  queueName: string;
  /** Due at or before this time. */
  before: string;
  pageSize: number;
  /** Start after this row. @default the head of the queue */
  after: CandidateCursor | null;
  /** Deployments whose runs are left out besides paused ones (those found full by this claim). */
  excludedDeploymentIds: readonly string[];
  /** From {@link readRetryStalenessCutoffs}; AwaitingRetry runs with a fresh heartbeat are left out. */
  retryCutoffs: readonly RetryStalenessCutoff[];
}

/** Whether an AwaitingRetry run's process has stopped heartbeating (any other run: true). */
export function isHeartbeatStale(row: FlowRunTable, now: Date): boolean {
  if (row.state_name !== "AwaitingRetry" || row.heartbeat_at === null) return true;
  const intervalSeconds = row.heartbeat_interval_seconds ?? DEFAULT_RUN_HEARTBEAT_SECONDS;
  return now.getTime() - Date.parse(row.heartbeat_at) > MISSED_HEARTBEATS_BEFORE_STALE * intervalSeconds * 1000;
}

const intervalOrDefault = sql<number>`coalesce(heartbeat_interval_seconds, ${sql.lit(DEFAULT_RUN_HEARTBEAT_SECONDS)})`;

/** The distinct heartbeat intervals of the pool's heartbeating AwaitingRetry runs, each with its cutoff at `now`. */
export async function readRetryStalenessCutoffs(trx: Trx, poolName: string, now: Date): Promise<RetryStalenessCutoff[]> {
  const rows = await trx
    .selectFrom("flow_runs")
    .select(intervalOrDefault.as("interval_seconds"))
    .distinct()
    .where("state_name", "=", "AwaitingRetry")
    .where("work_pool_name", "=", poolName)
    .where("heartbeat_at", "is not", null)
    .execute();
  return rows.map((row) => {
    const intervalSeconds = Number(row.interval_seconds);
    // Stale when now - heartbeat > N × interval, i.e. heartbeat < now - N × interval.
    const staleBefore = new Date(now.getTime() - MISSED_HEARTBEATS_BEFORE_STALE * intervalSeconds * 1000).toISOString();
    return { intervalSeconds, staleBefore };
  });
}

/** Not an AwaitingRetry run with a fresh heartbeat (every term is non-null, so NOT/OR stay two-valued). */
function hasNoFreshRetryHeartbeat(eb: ExpressionBuilder<DatabaseSchema, "flow_runs">, cutoffs: readonly RetryStalenessCutoff[]) {
  return eb.or([
    eb("state_name", "!=", "AwaitingRetry"),
    eb("heartbeat_at", "is", null),
    eb.and(cutoffs.map((cutoff) => eb.or([eb(intervalOrDefault, "!=", cutoff.intervalSeconds), eb("heartbeat_at", "<", cutoff.staleBefore)]))),
  ]);
}

/** Read one page of due candidates, locking them (`SKIP LOCKED`) where the database can. */
export async function readCandidatePage(trx: Trx, database: WeirDatabase, page: CandidatePageQuery): Promise<FlowRunTable[]> {
  let query = trx
    .selectFrom("flow_runs")
    .selectAll()
    .where("work_pool_name", "=", page.poolName)
    .where("work_queue_name", "=", page.queueName)
    .where("state_type", "=", "SCHEDULED")
    .where("next_scheduled_start_time", "<=", page.before)
    .orderBy("next_scheduled_start_time")
    .orderBy("id")
    .limit(page.pageSize);
  const { after, excludedDeploymentIds, retryCutoffs } = page;
  if (after !== null) {
    query = query.where((eb) =>
      eb.or([eb("next_scheduled_start_time", ">", after.dueTime), eb.and([eb("next_scheduled_start_time", "=", after.dueTime), eb("id", ">", after.id)])]),
    );
  }
  // Runs of paused deployments are left out.
  query = query.where((eb) =>
    eb.not(
      eb.exists(
        eb
          .selectFrom("deployments")
          .select("deployments.id")
          .whereRef("deployments.id", "=", "flow_runs.deployment_id")
          .where("deployments.is_paused", "=", 1),
      ),
    ),
  );
  if (excludedDeploymentIds.length > 0) {
    query = query.where((eb) => eb.or([eb("deployment_id", "is", null), eb("deployment_id", "not in", [...excludedDeploymentIds])]));
  }
  if (retryCutoffs.length > 0) query = query.where((eb) => hasNoFreshRetryHeartbeat(eb, retryCutoffs));
  if (database.capabilities.supportsSkipLocked) query = query.forUpdate().skipLocked();
  return query.execute();
}
