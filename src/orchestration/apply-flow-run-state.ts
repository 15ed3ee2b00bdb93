/**
 * Apply a proposed state to a flow run inside a write transaction: remember-by-transition-id,
 * ask the rules (src/core/flow-run-rules.ts), update the run row's derived columns (run count,
 * start/end time, run time, due time, heartbeat) and append the accepted states to the history.
 * Used by set-state, cancel, retry, resume and by the claim service (Scheduled → Pending).
 * A change proposed for a row this process wrote last can skip the read and lock: see
 * apply-flow-run-state-guarded.ts.
 */
import type { Kysely } from "kysely";
import type { OrchestrationResult } from "../core/api-types.js";
import { decideFlowRunTransition, type TransitionDecision, type TransitionVia } from "../core/flow-run-rules.js";
import type { RetryPolicy } from "../core/models.js";
import { isTerminalStateType, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";

type Trx = Kysely<DatabaseSchema>;

/** How a state is being applied. */
export interface ApplyFlowRunStateOptions {
  /** @default "propose" */
  via?: TransitionVia;
  /** Skip the rules. @default false */
  force?: boolean;
  /** A repeated id returns the first decision and changes nothing. */
  transitionId?: string;
  /** More columns to set when accepted (e.g. the claiming worker). */
  extraColumns?: Partial<FlowRunTable>;
  /** The database, to use its faster statements where it has them. @default none (portable statements) */
  database?: WeirDatabase;
}

/** The decision and the run row afterwards; `isChanged` tells whether anything was written. */
export interface AppliedFlowRunState {
  result: OrchestrationResult;
  row: FlowRunTable;
  isChanged: boolean;
}

/** Read a run's row, locking it for the rest of the transaction where the dialect has row locks. */
export async function lockFlowRun(trx: Trx, database: WeirDatabase, id: string): Promise<FlowRunTable> {
  let query = trx.selectFrom("flow_runs").selectAll().where("id", "=", id);
  if (database.capabilities.supportsRowLocks) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) throw WeirError.notFound("flow run", id);
  return row;
}

/** The run-row columns that follow from moving through `recorded` states, starting at `row`. */
export function columnsAfterStates(row: FlowRunTable, recorded: State[], now: string): Partial<FlowRunTable> {
  let previous = { type: row.state_type, timestamp: row.state_timestamp };
  let runCount = Number(row.run_count);
  let totalRunTimeMs = Number(row.total_run_time_ms);
  let startTime = row.start_time;
  let endTime = row.end_time;
  let heartbeatAt = row.heartbeat_at;
  let nextScheduled = row.next_scheduled_start_time;
  for (const state of recorded) {
    if (previous.type === "RUNNING" && state.type !== "RUNNING") {
      totalRunTimeMs += Math.max(0, Date.parse(state.timestamp) - Date.parse(previous.timestamp));
    }
    // Resuming a paused run continues the same attempt.
    if (state.type === "RUNNING" && previous.type !== "RUNNING" && previous.type !== "PAUSED") {
      runCount += 1;
      startTime ??= state.timestamp;
    }
    if (state.type === "RUNNING" || state.type === "PENDING") heartbeatAt = now;
    if (isTerminalStateType(state.type)) endTime = state.timestamp;
    else if (state.type === "SCHEDULED") endTime = null;
    if (state.type === "SCHEDULED") {
      // Late / AwaitingConcurrencySlot without a time of their own keep the slot they were due at.
      nextScheduled = state.scheduledTime ?? (previous.type === "SCHEDULED" && nextScheduled !== null ? nextScheduled : state.timestamp);
    } else {
      nextScheduled = state.type === "PAUSED" ? (state.scheduledTime ?? null) : null;
    }
    previous = state;
  }
  const last = recorded[recorded.length - 1];
  if (!last) return {};
  return {
    state: toJsonColumn(last),
    state_id: last.id,
    state_type: last.type,
    state_name: last.name,
    state_timestamp: last.timestamp,
    run_count: runCount,
    total_run_time_ms: totalRunTimeMs,
    start_time: startTime,
    end_time: endTime,
    heartbeat_at: heartbeatAt,
    next_scheduled_start_time: nextScheduled,
    updated_at: now,
  };
}

function stateRow(flowRunId: string, state: State) {
  return { id: state.id, flow_run_id: flowRunId, type: state.type, name: state.name, timestamp: state.timestamp, state: toJsonColumn(state) };
}

/** Append states to a run's history (a state id already stored is skipped). */
export async function appendFlowRunStates(trx: Trx, flowRunId: string, states: State[]): Promise<void> {
  if (states.length === 0) return;
  await trx
    .insertInto("flow_run_states")
    .values(states.map((state) => stateRow(flowRunId, state)))
    .onConflict((oc) => oc.column("id").doNothing())
    .execute();
}

/** The rules' answer to `proposed` on `row` (force and via applied), before anything is written. */
export function decideFlowRunState(row: FlowRunTable, proposed: State, now: Date, options: ApplyFlowRunStateOptions): { result: OrchestrationResult; decision: TransitionDecision } {
  const current = fromJsonColumn<State>(row.state);
  const decision: TransitionDecision = options.force
    ? { status: "ACCEPT", reason: "forced", state: proposed, recorded: [proposed] }
    : decideFlowRunTransition(current, proposed, {
        now,
        via: options.via ?? "propose",
        runCount: Number(row.run_count),
        retryPolicy: fromJsonColumn<RetryPolicy>(row.retry_policy),
      });
  const result: OrchestrationResult = {
    status: decision.status,
    state: decision.state,
    reason: decision.reason,
    ...(decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds }),
  };
  return { result, decision };
}

/** Decide and apply `proposed` to the (locked) run `row`. */
export async function applyFlowRunState(
  trx: Trx,
  row: FlowRunTable,
  proposed: State,
  now: Date,
  options: ApplyFlowRunStateOptions = {},
): Promise<AppliedFlowRunState> {
  if (options.transitionId !== undefined) {
    const seen = await trx
      .selectFrom("flow_run_transitions")
      .select("result")
      .where("flow_run_id", "=", row.id)
      .where("transition_id", "=", options.transitionId)
      .executeTakeFirst();
    if (seen) return { result: fromJsonColumn<OrchestrationResult>(seen.result), row, isChanged: false };
  }
  const { result, decision } = decideFlowRunState(row, proposed, now, options);
  let next = row;
  if (decision.status === "ACCEPT") {
    const columns = { ...columnsAfterStates(row, decision.recorded, now.toISOString()), ...options.extraColumns };
    if (options.database?.capabilities.supportsDataModifyingCte) {
      // Update and history in one statement (one round trip).
      await trx
        .with("updated", (qb) => qb.updateTable("flow_runs").set(columns).where("id", "=", row.id).returning("id"))
        .insertInto("flow_run_states")
        .values(decision.recorded.map((state) => stateRow(row.id, state)))
        .onConflict((oc) => oc.column("id").doNothing())
        .execute();
    } else {
      await trx.updateTable("flow_runs").set(columns).where("id", "=", row.id).execute();
      await appendFlowRunStates(trx, row.id, decision.recorded);
    }
    next = { ...row, ...columns };
  }
  if (options.transitionId !== undefined) {
    await trx
      .insertInto("flow_run_transitions")
      .values({ flow_run_id: row.id, transition_id: options.transitionId, result: toJsonColumn(result), created_at: now.toISOString() })
      .execute();
  }
  return { result, row: next, isChanged: decision.status === "ACCEPT" };
}
