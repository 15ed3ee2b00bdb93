/**
 * Apply a state to a flow run in one statement, without reading or locking the row first: the
 * rules decide against the row this process wrote last (flow-run-row-cache.ts), and one
 * data-modifying statement updates the row, appends the history and remembers the transition id
 * — but only where the row's `state_id` and `updated_at` are still the ones decided on and the
 * transition id is new. One round trip instead of six (begin, lock, transition lookup, update,
 * transition insert, commit), shared by the changes proposed meanwhile (write-batcher.ts,
 * flow-run-batch-statements.ts): what makes trivial flow runs cheap on PostgreSQL.
 *
 * Whenever this path is unsure it answers null and the caller takes the locked path
 * (apply-flow-run-state.ts), which decides again on the stored row:
 * - the dialect has no data-modifying CTEs (SQLite: its round trips are in-process anyway);
 * - the change sets more columns than the state's and a heartbeat's (e.g. a claim's worker);
 * - the rules do not ACCEPT (a refusal is rare, and the locked path records it by transition id);
 * - the change needs more than the run's own row: a deployment's run taking a slot without a
 *   claim (its deployment's limit is counted: deployment-slot-check.ts), or a Crashed/Cancelled
 *   state (it ends the run's open task runs: finish-open-task-runs.ts);
 * - the guard matched no row: another process changed the run, the run was deleted, or the
 *   transition id was seen already (the locked path then returns the remembered decision).
 */
import type { State } from "../core/states.js";
import { toJsonText } from "../db/json-column.js";
import type { FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { columnsAfterStates, decideFlowRunState, type AppliedFlowRunState, type ApplyFlowRunStateOptions } from "./apply-flow-run-state.js";
import { takesDeploymentSlot } from "./deployment-slot-check.js";
import { applyGuardedFlowRunStates, type GuardedFlowRunChange } from "./flow-run-batch-statements.js";
import { stateEndingTaskRuns } from "./finish-open-task-runs.js";
import { createWriteBatcher, type WriteBatcher } from "./write-batcher.js";

const batchers = new WeakMap<WeirDatabase, WriteBatcher<GuardedFlowRunChange, FlowRunTable | null>>();

// Guarded changes of one database, grouped into batches (write-batcher.ts).
function guardedBatcherOf(database: WeirDatabase): WriteBatcher<GuardedFlowRunChange, FlowRunTable | null> {
  let batcher = batchers.get(database);
  if (batcher === undefined) {
    batcher = createWriteBatcher((changes) => applyGuardedFlowRunStates(database.db, changes), { keyOf: (change) => change.id });
    batchers.set(database, batcher);
  }
  return batcher;
}

// Extra columns the guarded statement can set: those of a heartbeat riding on a state change.
const HEARTBEAT_COLUMNS: ReadonlySet<string> = new Set(["infrastructure_pid", "heartbeat_interval_seconds"]);

function hasOnlyHeartbeatColumns(extraColumns: ApplyFlowRunStateOptions["extraColumns"]): boolean {
  return extraColumns === undefined || Object.keys(extraColumns).every((column) => HEARTBEAT_COLUMNS.has(column));
}

/**
 * Decide `proposed` against the cached `row` and apply it with the guarded statement; null when
 * the caller must take the locked path (see file header), as for a null `proposed`.
 */
export async function applyFlowRunStateToCachedRow(
  database: WeirDatabase,
  row: FlowRunTable,
  proposed: State | null,
  now: Date,
  options: ApplyFlowRunStateOptions = {},
): Promise<AppliedFlowRunState | null> {
  if (proposed === null || !database.capabilities.supportsDataModifyingCte || !hasOnlyHeartbeatColumns(options.extraColumns)) return null;
  const { result, decision } = decideFlowRunState(row, proposed, now, options);
  if (decision.status !== "ACCEPT" || decision.recorded.length === 0) return null;
  if ((!options.force && takesDeploymentSlot(row, decision)) || stateEndingTaskRuns(decision.recorded) !== null) return null;
  const nowIso = now.toISOString();
  const columns = columnsAfterStates(row, decision.recorded, nowIso);
  const updated = await guardedBatcherOf(database)({
    id: row.id,
    expected_state_id: row.state_id,
    expected_updated_at: row.updated_at,
    state: columns.state ?? row.state,
    state_id: columns.state_id ?? row.state_id,
    state_type: columns.state_type ?? row.state_type,
    state_name: columns.state_name ?? row.state_name,
    state_timestamp: columns.state_timestamp ?? row.state_timestamp,
    run_count: Number(columns.run_count ?? row.run_count),
    total_run_time_ms: Number(columns.total_run_time_ms ?? row.total_run_time_ms),
    start_time: columns.start_time ?? null,
    end_time: columns.end_time ?? null,
    heartbeat_at: columns.heartbeat_at === row.heartbeat_at ? null : (columns.heartbeat_at ?? null),
    infrastructure_pid: options.extraColumns?.infrastructure_pid ?? null,
    heartbeat_interval_seconds: options.extraColumns?.heartbeat_interval_seconds ?? null,
    next_scheduled_start_time: columns.next_scheduled_start_time ?? null,
    updated_at: nowIso,
    transition_id: options.transitionId ?? null,
    result: toJsonText(result),
    recorded: decision.recorded,
  });
  return updated === null ? null : { result, row: updated, isChanged: true };
}
