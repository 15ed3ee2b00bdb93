/**
 * Apply a proposed state to a flow run inside a write transaction: remember-by-transition-id,
 * ask the rules (src/core/flow-run-rules.ts), update the run row's derived columns (run count,
 * start/end time, run time, due time, heartbeat) and append the accepted states to the history.
 * Used by set-state, cancel, retry, resume and by the claim service (Scheduled → Pending).
 * In the same transaction: a deployment's limit is checked on a way into a slot that is not a
 * claim (deployment-slot-check.ts), a scheduled run coming due follows its schedule's overlap
 * policy (overlap-check.ts), and a Crashed or Cancelled state ends the run's open task runs
 * (finish-open-task-runs.ts).
 * A change proposed for a row this process wrote last can skip the read and lock: see
 * apply-flow-run-state-guarded.ts.
 */
import type { Kysely } from "kysely";
import type { OrchestrationResult } from "../core/api-types.js";
import { decideFlowRunTransition, isResumingState, type TransitionDecision, type TransitionVia } from "../core/flow-run-rules.js";
import type { RetryPolicy } from "../core/models.js";
import { isTerminalStateType, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, FlowRunTable, TaskRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { holdAtDeploymentLimit } from "./deployment-slot-check.js";
import { finishOpenTaskRuns, stateEndingTaskRuns } from "./finish-open-task-runs.js";
import { applyOverlapPolicy } from "./overlap-check.js";

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
  /** The caller counted the deployment's slots itself (a claim). @default false */
  isDeploymentSlotCounted?: boolean;
}

/** The decision and the run row afterwards; `isChanged` tells whether anything was written. */
export interface AppliedFlowRunState {
  result: OrchestrationResult;
  row: FlowRunTable;
  isChanged: boolean;
  /** Task runs ended with the flow run (Crashed or Cancelled), to publish. */
  finishedTaskRuns?: TaskRunTable[];
  /** Other flow runs changed with this one (cancelled by its schedule's overlap policy), to publish. */
  otherChangedRuns?: FlowRunTable[];
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
  // The previous state's own record, read from the row only when needed.
  let previousState: State | null | undefined;
  const isPreviousResuming = (): boolean => isResumingState(previousState === undefined ? fromJsonColumn<State | null>(row.state) : previousState);
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
    // Resuming a paused run (or a suspended one, through the queue) continues the same attempt.
    if (state.type === "RUNNING" && previous.type !== "RUNNING" && previous.type !== "PAUSED" && !isPreviousResuming()) {
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
    previousState = state;
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

/** The `flow_run_states` row of one state of a run. */
export function stateRow(flowRunId: string, state: State) {
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

/** The OrchestrationResult that answers `decision`. */
export function resultOfDecision(decision: TransitionDecision): OrchestrationResult {
  return {
    status: decision.status,
    state: decision.state,
    reason: decision.reason,
    ...(decision.retryAfterSeconds === undefined ? {} : { retryAfterSeconds: decision.retryAfterSeconds }),
  };
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
        hasDeployment: row.deployment_id !== null,
      });
  return { result: resultOfDecision(decision), decision };
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
  let { result, decision } = decideFlowRunState(row, proposed, now, options);
  let otherChangedRuns: FlowRunTable[] | undefined;
  if (!options.force) {
    const overlap = await applyOverlapPolicy(trx, options.database, row, decision, now);
    if (overlap.decision !== decision) ({ result, decision } = { result: resultOfDecision(overlap.decision), decision: overlap.decision });
    for (const change of overlap.otherRunChanges) {
      const other = options.database ? await lockFlowRun(trx, options.database, change.id) : await trx.selectFrom("flow_runs").selectAll().where("id", "=", change.id).executeTakeFirstOrThrow();
      const applied = await applyFlowRunState(trx, other, change.state, now, options.database ? { database: options.database } : {});
      if (applied.isChanged) (otherChangedRuns ??= []).push(applied.row);
    }
  }
  if (!options.force && !options.isDeploymentSlotCounted) {
    const held = await holdAtDeploymentLimit(trx, options.database, row, decision, now);
    if (held !== decision) ({ result, decision } = { result: resultOfDecision(held), decision: held });
  }
  let next = row;
  let finishedTaskRuns: TaskRunTable[] | undefined;
  // An accepted decision records its states; a run held at its deployment's limit may record one too.
  if (decision.recorded.length > 0) {
    const columns = { ...columnsAfterStates(row, decision.recorded, now.toISOString()), ...(decision.status === "ACCEPT" ? options.extraColumns : {}) };
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
    const ending = stateEndingTaskRuns(decision.recorded);
    if (ending !== null) finishedTaskRuns = await finishOpenTaskRuns(trx, row.id, ending, now);
  }
  if (options.transitionId !== undefined) {
    await trx
      .insertInto("flow_run_transitions")
      .values({ flow_run_id: row.id, transition_id: options.transitionId, result: toJsonColumn(result), created_at: now.toISOString() })
      .execute();
  }
  return {
    result,
    row: next,
    isChanged: decision.recorded.length > 0,
    ...(finishedTaskRuns?.length ? { finishedTaskRuns } : {}),
    ...(otherChangedRuns ? { otherChangedRuns } : {}),
  };
}
