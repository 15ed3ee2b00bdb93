/**
 * Flow-run state changes: propose a state (rules decide, in one write transaction with the run
 * row locked), read the history, heartbeat, and the explicit moves cancel / retry / resume (whose
 * input is checked against the JSON Schema the pause stored in `details.inputSchema`).
 * A run this process wrote last is first tried without the lock, in one guarded statement
 * (apply-flow-run-state-guarded.ts); the locked transaction is the fallback and the reference.
 * Events are published after commit.
 */
import type { OrchestrationResult, ProposeStateInput, RetryFlowRunOptions } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";
import { isTerminalStateType, makeState, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { FlowRunTable } from "../db/schema.js";
import { applyFlowRunState, lockFlowRun, type ApplyFlowRunStateOptions } from "./apply-flow-run-state.js";
import { applyFlowRunStateToCachedRow } from "./apply-flow-run-state-guarded.js";
import { flowRunRowCacheOf } from "./flow-run-row-cache.js";
import { validateAgainstJsonSchema } from "./deployment-parameter-validation.js";
import { flowRunFromRow, taskRunFromRow } from "./flow-run-mapper.js";
import { checkInteger, checkName, checkObject, checkState, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";

// The state `choose` picks for a cached row, or null where it refuses: the cached row may be stale,
// so only the locked path's answer counts.
function chooseOrNull(choose: (current: State) => State, cached: FlowRunTable): State | null {
  try {
    return choose(fromJsonColumn<State>(cached.state));
  } catch {
    return null;
  }
}

// The error for an explicit move the rules refused, with their reason.
function refused(id: string, flowRun: FlowRun, result: OrchestrationResult): WeirError {
  return new WeirError("INVALID_TRANSITION", `flow run '${id}' cannot move from ${flowRun.stateName}: ${result.reason}`, {
    details: { status: result.status, stateName: flowRun.stateName },
  });
}

// The retry choice, checked; stored on the Scheduled state that starts the retry.
function checkRetryOptions(options: RetryFlowRunOptions): { mode: "reuse" | "fresh"; fromTask: string | null } {
  const input = checkObject(options ?? {}, "input") as RetryFlowRunOptions;
  const mode = input.mode ?? "reuse";
  if (mode !== "reuse" && mode !== "fresh") invalid("mode", 'must be "reuse" or "fresh"');
  const fromTask = input.fromTask === undefined || input.fromTask === null ? null : checkName(input.fromTask, "fromTask");
  if (fromTask !== null && mode === "fresh") invalid("fromTask", 'cannot be combined with mode "fresh"');
  return { mode, fromTask };
}

function retryMessage(retry: { mode: "reuse" | "fresh"; fromTask: string | null }): string {
  if (retry.mode === "fresh") return "retry requested (fresh: every task runs again)";
  if (retry.fromTask !== null) return `retry requested from task '${retry.fromTask}'`;
  return "retry requested";
}

// The input of a resume, checked against the JSON Schema its pause stored (pauseFlowRun({ input })).
function checkResumeInput(id: string, paused: State, input: Record<string, unknown> | null): void {
  const schema = paused.details?.inputSchema;
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return;
  const issues = validateAgainstJsonSchema(schema as Record<string, unknown>, input ?? {});
  if (issues.length === 0) return;
  throw WeirError.validation(
    `resume input for flow run '${id}'`,
    issues.map((issue) => ({ path: issue.path === "" ? "input" : `input.${issue.path}`, message: issue.message })),
  );
}

/** The run columns a heartbeat's process id and interval set (checked, fields named with `prefix`). */
function heartbeatColumns(input: { infrastructurePid?: string; heartbeatIntervalSeconds?: number }, prefix = ""): Partial<FlowRunTable> {
  return {
    ...(input.infrastructurePid === undefined ? {} : { infrastructure_pid: checkName(input.infrastructurePid, `${prefix}infrastructurePid`) }),
    ...(input.heartbeatIntervalSeconds === undefined ? {} : { heartbeat_interval_seconds: checkInteger(input.heartbeatIntervalSeconds, `${prefix}heartbeatIntervalSeconds`, 1) }),
  };
}

/** The flow-run state area of the service layer. */
export function createFlowRunStateService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;
  const rowCache = flowRunRowCacheOf(database);

  /** Decide and apply (guarded on the cached row, else locked); publish the run when it changed. */
  async function propose(id: string, choose: (current: State) => State, options: ApplyFlowRunStateOptions): Promise<{ result: OrchestrationResult; flowRun: FlowRun }> {
    checkName(id, "id");
    const now = ctx.clock.now();
    const cached = rowCache.get(id);
    let applied = cached === undefined ? null : await applyFlowRunStateToCachedRow(database, cached, chooseOrNull(choose, cached), now, options);
    if (applied === null) {
      rowCache.forget(id);
      applied = await database.writeTransaction(async (trx) => {
        const row = await lockFlowRun(trx, database, id);
        return applyFlowRunState(trx, row, choose(fromJsonColumn<State>(row.state)), now, { ...options, database });
      });
    }
    rowCache.remember(applied.row);
    const flowRun = flowRunFromRow(applied.row);
    if (applied.isChanged) ctx.events.publish({ kind: "flow-run", flowRun });
    for (const row of applied.finishedTaskRuns ?? []) ctx.events.publish({ kind: "task-run", taskRun: taskRunFromRow(row) });
    for (const row of applied.otherChangedRuns ?? []) {
      rowCache.forget(row.id);
      ctx.events.publish({ kind: "flow-run", flowRun: flowRunFromRow(row) });
    }
    return { result: applied.result, flowRun };
  }

  /** An explicit move that must be accepted, else INVALID_TRANSITION. */
  async function move(id: string, choose: (current: State) => State, via: ApplyFlowRunStateOptions["via"]): Promise<FlowRun> {
    const { result, flowRun } = await propose(id, choose, { via });
    if (result.status !== "ACCEPT") throw refused(id, flowRun, result);
    return flowRun;
  }

  // A restart point must name a task this run called (a typo would silently reuse everything);
  // one it did not call is a missing part of the run (NOT_FOUND), like a missing run.
  async function checkTaskRan(id: string, taskKey: string): Promise<void> {
    const found = await db.selectFrom("task_runs").select("id").where("flow_run_id", "=", id).where("task_key", "=", taskKey).limit(1).executeTakeFirst();
    if (found !== undefined) return;
    const known = await db.selectFrom("task_runs").select("task_key").distinct().where("flow_run_id", "=", id).orderBy("task_key").limit(20).execute();
    const names = known.map((row) => `'${row.task_key}'`).join(", ");
    throw new WeirError("NOT_FOUND", `fromTask: no task named '${taskKey}' ran in flow run '${id}'${names === "" ? "" : ` (its tasks: ${names})`}`, { details: { field: "fromTask" } });
  }

  return {
    async setFlowRunState(id: string, input: ProposeStateInput): Promise<OrchestrationResult> {
      if (typeof input !== "object" || input === null) invalid("input", "must be an object");
      const state = checkState(input.state, "state");
      const transitionId = input.transitionId === undefined ? undefined : checkName(input.transitionId, "transitionId");
      const heartbeat = input.heartbeat === undefined ? undefined : heartbeatColumns(checkObject(input.heartbeat, "heartbeat"), "heartbeat.");
      const { result } = await propose(id, () => state, { force: input.force === true, ...(transitionId ? { transitionId } : {}), ...(heartbeat ? { extraColumns: heartbeat } : {}) });
      return result;
    },

    async readFlowRunStates(id: string): Promise<State[]> {
      checkName(id, "id");
      const rows = await db.selectFrom("flow_run_states").select("state").where("flow_run_id", "=", id).orderBy("seq").execute();
      if (rows.length === 0) {
        const exists = await db.selectFrom("flow_runs").select("id").where("id", "=", id).executeTakeFirst();
        if (!exists) throw WeirError.notFound("flow run", id);
      }
      return rows.map((row) => fromJsonColumn<State>(row.state));
    },

    async heartbeatFlowRun(id: string, input: { infrastructurePid?: string; codeVersion?: string; heartbeatIntervalSeconds?: number } = {}): Promise<FlowRun> {
      checkName(id, "id");
      const patch = checkObject(input, "input") as typeof input;
      const columns = {
        heartbeat_at: ctx.clock.now().toISOString(),
        ...heartbeatColumns(patch),
        ...(patch.codeVersion === undefined ? {} : { code_version: checkName(patch.codeVersion, "codeVersion") }),
      };
      const row = await db.updateTable("flow_runs").set(columns).where("id", "=", id).returningAll().executeTakeFirst();
      if (!row) throw WeirError.notFound("flow run", id);
      return flowRunFromRow(row);
    },

    async cancelFlowRun(id: string): Promise<FlowRun> {
      const { result, flowRun } = await propose(
        id,
        (current) => {
          const now = ctx.clock.now();
          // A Cancelling run is asked again: the rules refuse a second Cancelling (see below).
          if (current.type === "RUNNING" || current.type === "CANCELLING" || (current.type === "PAUSED" && current.name === "Paused")) {
            return makeState("Cancelling", { now, message: "cancellation requested" });
          }
          return makeState("Cancelled", { now, message: "cancelled before it ran to completion" });
        },
        { via: "propose" },
      );
      // Asked again while its process is being stopped: the run is Cancelled once that process is
      // gone (its worker says so, or cancellation cleanup finds it silent), not before, or its
      // concurrency slot would be freed while it still runs.
      if (result.status !== "ACCEPT" && flowRun.stateType === "CANCELLING") return flowRun;
      if (result.status !== "ACCEPT") throw refused(id, flowRun, result);
      return flowRun;
    },

    async retryFlowRun(id: string, options: RetryFlowRunOptions = {}): Promise<FlowRun> {
      const retry = checkRetryOptions(options);
      if (retry.fromTask !== null) await checkTaskRan(id, retry.fromTask);
      return move(
        id,
        (current) => {
          if (!isTerminalStateType(current.type)) {
            throw new WeirError("INVALID_TRANSITION", `flow run '${id}' is ${current.name}; only a finished run can be retried`);
          }
          const now = ctx.clock.now();
          // The SDK reads the choice back from this state when the retry starts (sdk/reuse-index.ts).
          return makeState("Scheduled", { now, scheduledTime: now.toISOString(), message: retryMessage(retry), details: { retry } });
        },
        "retry",
      );
    },

    async resumeFlowRun(id: string, input?: Record<string, unknown>): Promise<FlowRun> {
      const resumeInput = input === undefined ? null : checkObject(input, "input");
      return move(
        id,
        (current) => {
          if (current.type !== "PAUSED") throw new WeirError("INVALID_TRANSITION", `flow run '${id}' is ${current.name}, not paused`);
          checkResumeInput(id, current, resumeInput);
          const now = ctx.clock.now();
          const details = resumeInput === null ? null : { resumeInput };
          return current.name === "Suspended"
            ? makeState("Scheduled", { now, scheduledTime: now.toISOString(), message: "resumed", details })
            : makeState("Running", { now, message: "resumed", details });
        },
        "resume",
      );
    },
  };
}
