/**
 * When a flow run (or one attempt of it) ends Crashed or Cancelled, its task runs that are still
 * open (Scheduled, Pending, Running, Cancelling) can never finish on their own: the process that
 * ran them is gone or was stopped. They end with it (Crashed, or Cancelled), in the transaction
 * that records the flow run's state, so no task run stays Running forever behind a finished flow
 * run (what Prefect users saw in #19594). Called from apply-flow-run-state.ts, so every path
 * (proposal, crash detection, cancellation cleanup, claims) does it.
 */
import type { Kysely } from "kysely";
import { makeState, type State, type StateType } from "../core/states.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, TaskRunTable } from "../db/schema.js";

/** Task-run state types that are not finished (a task run never stays Paused). */
const OPEN_TASK_RUN_STATE_TYPES: readonly StateType[] = ["SCHEDULED", "PENDING", "RUNNING", "CANCELLING"];

/** The flow-run state that ends its open task runs, among `recorded`: the last Crashed or Cancelled one. */
export function stateEndingTaskRuns(recorded: readonly State[]): State | null {
  for (let index = recorded.length - 1; index >= 0; index -= 1) {
    const state = recorded[index]!;
    if (state.type === "CRASHED" || state.type === "CANCELLED") return state;
  }
  return null;
}

// The task run's state after its flow run ended in `ending`.
function endingTaskState(ending: State, flowRunId: string, now: Date): State {
  const why = ending.message ? `: ${ending.message}` : "";
  if (ending.type === "CANCELLED") return makeState("Cancelled", { now, message: `its flow run ${flowRunId} was cancelled${why}` });
  const message = `its flow run ${flowRunId} crashed${why}`;
  return makeState("Crashed", { now, message, error: { name: "FlowRunCrashed", message, isRetryable: false } });
}

/** End the open task runs of `flowRunId` as its state `ending` says; returns the task-run rows changed. */
export async function finishOpenTaskRuns(trx: Kysely<DatabaseSchema>, flowRunId: string, ending: State, now: Date): Promise<TaskRunTable[]> {
  const open = await trx
    .selectFrom("task_runs")
    .selectAll()
    .where("flow_run_id", "=", flowRunId)
    .where("state_type", "in", [...OPEN_TASK_RUN_STATE_TYPES])
    .execute();
  const nowIso = now.toISOString();
  const changed: TaskRunTable[] = [];
  for (const row of open) {
    const state = endingTaskState(ending, flowRunId, now);
    const ranMs = row.state_type === "RUNNING" ? Math.max(0, now.getTime() - Date.parse(row.state_timestamp)) : 0;
    const history = fromJsonColumn<State[] | null>(row.state_history) ?? [];
    const columns = {
      state: toJsonColumn(state),
      state_id: state.id,
      state_type: state.type,
      state_name: state.name,
      state_timestamp: state.timestamp,
      end_time: state.timestamp,
      total_run_time_ms: Number(row.total_run_time_ms) + ranMs,
      updated_at: nowIso,
      state_history: toJsonColumn([...history, state]),
    };
    // Guarded by the state read, so a task state written meanwhile is not overwritten.
    const updated = await trx
      .updateTable("task_runs")
      .set(columns)
      .where("id", "=", row.id)
      .where("state_id", "=", row.state_id)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) changed.push({ ...row, ...columns });
  }
  return changed;
}
