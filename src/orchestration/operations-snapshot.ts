/**
 * The operations snapshot: what the server's `/metrics` reports from the database, read with a
 * few grouped counts that walk existing indexes and stay cheap however long the run history is.
 *
 * - Runs not yet finished by state name (the type follows from the name): a count over the
 *   covering index `flow_runs_state_name_idx`, which never reads a run's row, so a backlog of
 *   100,000 scheduled runs costs milliseconds. Finished runs are left out: their number only
 *   grows (until retention); the server's counters report them as they finish.
 * - Runs holding a slot (PENDING, RUNNING, CANCELLING) by flow, deployment and state: these rows
 *   are read (flow and deployment are not in an index with the state), and they are few, bounded
 *   by what the workers run at once.
 * - Due runs per work pool and queue (the claimable backlog: SCHEDULED with a due time at or
 *   before now), how many of them are Late, and the oldest due time: `flow_runs_due_idx`.
 * - Every work queue (so an empty queue reports 0) and every worker with its heartbeat, ONLINE by
 *   the rule of the workers API (work-pool-mapper.ts). Both tables are small.
 */
import { sql } from "kysely";
import { STATE_NAMES, STATE_TYPE_OF_NAME, TERMINAL_STATE_TYPES, type StateName, type StateType } from "../core/states.js";
import { SLOT_HOLDING_STATE_TYPES } from "./deployment-slot-check.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { workerFromRow } from "./work-pool-mapper.js";

/** Unfinished runs in one state. */
export interface StateCount {
  stateType: StateType;
  stateName: StateName;
  count: number;
}

/** Slot-holding runs of one flow, deployment and state. */
export interface ActiveRunCount {
  flowName: string;
  /** The deployment's name, or null for runs started without one. */
  deploymentName: string | null;
  stateType: StateType;
  stateName: string;
  count: number;
}

/** The due backlog of one work queue (pool and queue null: runs no pool serves, e.g. `serve()`). */
export interface QueueBacklog {
  workPoolName: string | null;
  workQueueName: string | null;
  isPaused: boolean;
  /** Runs due now that no worker has claimed. */
  dueRuns: number;
  /** Of those, how many are named Late. */
  lateRuns: number;
  /** Due time of the oldest due run, or null when none is due. */
  oldestDueTime: string | null;
}

/** Workers of one pool. */
export interface PoolWorkers {
  workPoolName: string;
  online: number;
  offline: number;
}

/** What {@link readOperationsSnapshot} returns. */
export interface OperationsSnapshot {
  /** The clock reading the snapshot was taken at. */
  takenAt: Date;
  unfinishedRuns: StateCount[];
  activeRuns: ActiveRunCount[];
  queues: QueueBacklog[];
  workers: PoolWorkers[];
}

const UNFINISHED_STATE_NAMES = STATE_NAMES.filter((name) => !TERMINAL_STATE_TYPES.has(STATE_TYPE_OF_NAME[name]));
const countAll = sql<number>`count(*)`;

/** Read the snapshot (see file header): five small queries, no transaction. */
export async function readOperationsSnapshot(ctx: OrchestrationContext): Promise<OperationsSnapshot> {
  const { db } = ctx.database;
  const takenAt = ctx.clock.now();
  const now = takenAt.toISOString();
  const [stateRows, activeRows, dueRows, queueRows, workerRows] = await Promise.all([
    db.selectFrom("flow_runs").select(["state_name", countAll.as("count")]).where("state_name", "in", UNFINISHED_STATE_NAMES).groupBy("state_name").execute(),
    db
      .selectFrom("flow_runs")
      .select(["flow_name", "deployment_name", "state_type", "state_name", countAll.as("count")])
      .where("state_type", "in", [...SLOT_HOLDING_STATE_TYPES])
      .groupBy(["flow_name", "deployment_name", "state_type", "state_name"])
      .execute(),
    db
      .selectFrom("flow_runs")
      .select(["work_pool_name", "work_queue_name", "state_name", countAll.as("count"), (eb) => eb.fn.min("next_scheduled_start_time").as("oldest")])
      .where("state_type", "=", "SCHEDULED")
      .where("next_scheduled_start_time", "<=", now)
      .groupBy(["work_pool_name", "work_queue_name", "state_name"])
      .execute(),
    db.selectFrom("work_queues").select(["work_pool_name", "name", "is_paused"]).execute(),
    db.selectFrom("workers").selectAll().execute(),
  ]);
  const activeRuns = activeRows.map((row) => ({
    flowName: row.flow_name,
    deploymentName: row.deployment_name,
    stateType: row.state_type as StateType,
    stateName: row.state_name,
    count: Number(row.count),
  }));
  const unfinishedRuns = stateRows.map((row) => {
    const stateName = row.state_name as StateName;
    return { stateType: STATE_TYPE_OF_NAME[stateName], stateName, count: Number(row.count) };
  });
  return { takenAt, unfinishedRuns, activeRuns, queues: queueBacklogs(queueRows, dueRows), workers: workersByPool(workerRows, takenAt) };
}

type DueRow = { work_pool_name: string | null; work_queue_name: string | null; state_name: string; count: number; oldest: string | null };
type QueueRow = { work_pool_name: string; name: string; is_paused: number };

function queueBacklogs(queueRows: QueueRow[], dueRows: DueRow[]): QueueBacklog[] {
  const key = (pool: string | null, queue: string | null): string => JSON.stringify([pool, queue]);
  const backlogs = new Map<string, QueueBacklog>();
  for (const row of queueRows) {
    backlogs.set(key(row.work_pool_name, row.name), {
      workPoolName: row.work_pool_name,
      workQueueName: row.name,
      isPaused: Boolean(Number(row.is_paused)),
      dueRuns: 0,
      lateRuns: 0,
      oldestDueTime: null,
    });
  }
  for (const row of dueRows) {
    const id = key(row.work_pool_name, row.work_queue_name);
    let backlog = backlogs.get(id);
    if (!backlog) {
      backlog = { workPoolName: row.work_pool_name, workQueueName: row.work_queue_name, isPaused: false, dueRuns: 0, lateRuns: 0, oldestDueTime: null };
      backlogs.set(id, backlog);
    }
    const count = Number(row.count);
    backlog.dueRuns += count;
    if (row.state_name === "Late") backlog.lateRuns += count;
    if (row.oldest !== null && (backlog.oldestDueTime === null || row.oldest < backlog.oldestDueTime)) backlog.oldestDueTime = row.oldest;
  }
  return [...backlogs.values()];
}

function workersByPool(rows: Parameters<typeof workerFromRow>[0][], now: Date): PoolWorkers[] {
  const pools = new Map<string, PoolWorkers>();
  for (const row of rows) {
    const worker = workerFromRow(row, now);
    const pool = pools.get(worker.workPoolName) ?? { workPoolName: worker.workPoolName, online: 0, offline: 0 };
    if (worker.status === "ONLINE") pool.online += 1;
    else pool.offline += 1;
    pools.set(worker.workPoolName, pool);
  }
  return [...pools.values()];
}
