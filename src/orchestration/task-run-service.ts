/**
 * Task runs. `writeTaskRuns` is the hot path (every task's states, batched by the SDK). Most runs
 * of a batch are new (the SDK sends a short run's states together), so the batch is first one raw
 * multi-row insert of the runs not stored yet (src/db/bulk-writer.ts: on PostgreSQL one statement
 * with no transaction around it, one round trip). Runs already stored (a later batch of a long
 * run, a batch sent again) are then read, merged and upserted in one write transaction. A task
 * run is one row, its state history included (migration 003), so a trivial task costs one row
 * write. States are keyed by id, so a batch sent twice (a retried request) stores nothing twice.
 *
 * Every state that would become a run's current one is checked against the task-run rules
 * (src/core/task-run-rules.ts): a run's states are stored up to the first refused one, which the
 * answer lists; other runs of the batch are not affected. The rules need the state of the flow
 * runs whose tasks start in the batch (a start stamped before the flow run's current state is
 * judged as of then: allowed): one lookup of those (usually one) flow runs per batch, made
 * before the write (outside its transaction): a flow run cancelled in between lets a task start,
 * as if it had started just before.
 */
import { sql } from "kysely";
import type { CacheHit, Page, PageRequest, TaskRunFilter, TaskRunRefusal, TaskRunWrite, TaskRunWriteResult } from "../core/api-types.js";
import type { RetryPolicy, TaskRun } from "../core/models.js";
import { STATE_TYPES, STATE_TYPE_OF_NAME, isTerminalStateType, type State, type StateType } from "../core/states.js";
import { decideTaskRunTransition, isTaskStartType } from "../core/task-run-rules.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonText, toNullableJsonColumn } from "../db/json-column.js";
import type { BulkTable, BulkValue } from "../db/bulk-writer.js";
import type { TaskRunTable } from "../db/schema.js";
import { compileRetryPolicy, taskRunFromRow } from "./flow-run-mapper.js";
import { checkName, checkOptionalTime, checkState, checkStringList, checkTime, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

/** Merge writes of the same task run in one batch (their states in order, later fields win), by id. */
function mergeWrites(writes: TaskRunWrite[]): Map<string, TaskRunWrite> {
  const byId = new Map<string, TaskRunWrite>();
  for (let index = 0; index < writes.length; index += 1) {
    const write = writes[index];
    if (typeof write !== "object" || write === null) invalid(`writes.${index}`, "must be an object");
    if (!isName(write.id)) checkName(write.id, `writes.${index}.id`);
    if (!Array.isArray(write.states)) invalid(`writes.${index}.states`, "must be a list of states");
    const states = checkedStates(write.states, index);
    const previous = byId.get(write.id);
    if (previous === undefined) byId.set(write.id, states === write.states ? write : { ...write, states });
    else {
      // The same states twice in one batch (a write repeated) are stored once.
      const seen = new Set(previous.states.map((state) => state.id));
      const merged: TaskRunWrite = { ...previous, states: [...previous.states, ...states.filter((state) => !seen.has(state.id))] };
      // Fields the later write leaves out (absent or undefined) keep the earlier write's value.
      for (const [key, value] of Object.entries(write)) if (value !== undefined && key !== "states") Object.assign(merged, { [key]: value });
      byId.set(write.id, merged);
    }
  }
  return byId;
}

/** What `checkName` accepts, without building the field path up front (it is only for errors). */
function isName(value: unknown): value is string {
  return typeof value === "string" && value.length <= 500 && value.trim() !== "";
}

// Timestamps found canonical lately: the states of one batch share a few milliseconds.
const canonicalTimes = new Set<string>();

/** Whether `value` is already what `checkTime` makes of it (a canonical UTC ISO time). */
function isCanonicalTime(value: unknown): boolean {
  if (typeof value !== "string") return false;
  if (canonicalTimes.has(value)) return true;
  if (value.length !== 24 || Number.isNaN(Date.parse(value)) || new Date(value).toISOString() !== value) return false;
  if (canonicalTimes.size >= 4096) canonicalTimes.clear();
  canonicalTimes.add(value);
  return true;
}

/** Whether a state is already what `checkState` would make of it, give or take absent optional fields. */
function isWellFormedState(value: unknown): value is State {
  const state = value as Partial<State> | null;
  return (
    typeof state === "object" &&
    state !== null &&
    typeof state.name === "string" &&
    Object.hasOwn(STATE_TYPE_OF_NAME, state.name) &&
    state.type === STATE_TYPE_OF_NAME[state.name] &&
    isName(state.id) &&
    isCanonicalTime(state.timestamp) &&
    (state.scheduledTime === undefined || state.scheduledTime === null || isCanonicalTime(state.scheduledTime))
  );
}

/**
 * The states of a write as `checkState` accepts them. States that are already well formed (as
 * the SDK makes them) are taken as they are, with no copy: this runs for every state of every
 * task. The same array comes back when nothing needed fixing.
 */
function checkedStates(states: readonly unknown[], index: number): State[] {
  let checked: State[] | null = null;
  for (let stateIndex = 0; stateIndex < states.length; stateIndex += 1) {
    const state = states[stateIndex];
    if (isWellFormedState(state)) {
      checked?.push(state);
      continue;
    }
    checked ??= states.slice(0, stateIndex) as State[];
    checked.push(checkState(state, `writes.${index}.states.${stateIndex}`));
  }
  return checked ?? (states as State[]);
}

/** The path of a write's field, for error messages. */
function fieldPath(index: number, name: string): string {
  return `writes.${index}.${name}`;
}

/** Keep the stored value when a write leaves an optional field out. */
function orStored<T>(value: T | undefined, stored: T | undefined, fallback: T): T {
  return value !== undefined ? value : stored !== undefined ? stored : fallback;
}

// The SDK sends the same retry-policy object with every run of a task: compile it once.
const compiledPolicies = new WeakMap<object, RetryPolicy>();
function retryPolicyValue(policy: TaskRunWrite["retryPolicy"]): RetryPolicy {
  if (typeof policy !== "object" || policy === null) return compileRetryPolicy(policy);
  let compiled = compiledPolicies.get(policy);
  if (compiled === undefined) {
    compiled = compileRetryPolicy(policy);
    compiledPolicies.set(policy, compiled);
  }
  return compiled;
}

/** The history text with `stateTexts` (JSON of states) appended. */
function appendToHistory(history: string, stateTexts: readonly string[]): string {
  if (stateTexts.length === 0) return history;
  const end = history.lastIndexOf("]");
  const isEmpty = history.slice(history.indexOf("[") + 1, end).trim() === "";
  return `${history.slice(0, end)}${isEmpty ? "" : ","}${stateTexts.join(",")}]`;
}

const TASK_RUN_COLUMNS = [
  "id", "flow_run_id", "name", "task_key", "dynamic_key", "tags", "inputs", "cache_key", "cache_expiration", "state", "state_id", "state_type",
  "state_name", "state_timestamp", "run_count", "retry_policy", "expected_start_time", "start_time", "end_time", "total_run_time_ms",
  "subflow_run_id", "created_at", "updated_at", "state_history",
] as const satisfies ReadonlyArray<keyof TaskRunTable>;

const UPDATED_COLUMNS = [
  "flow_run_id", "name", "task_key", "dynamic_key", "tags", "inputs", "cache_key", "cache_expiration", "state", "state_id", "state_type",
  "state_name", "state_timestamp", "run_count", "retry_policy", "start_time", "end_time", "total_run_time_ms", "subflow_run_id", "updated_at",
  "state_history",
] as const satisfies ReadonlyArray<keyof TaskRunTable>;

/** `task_runs` for the bulk writer: JSON columns travel as values, the history as JSON text. */
const TASK_RUNS: BulkTable = {
  table: "task_runs",
  columns: TASK_RUN_COLUMNS,
  types: { tags: "json", inputs: "json", state: "json", retry_policy: "json", run_count: "integer", total_run_time_ms: "integer" },
  key: "id",
  updated: UPDATED_COLUMNS,
};

/** Values of a `task_runs` row in TASK_RUN_COLUMNS order; JSON columns hold values, not text. */
type TaskRunValues = BulkValue[];

// Positions in TaskRunValues of the id and of the JSON columns.
const ID = TASK_RUN_COLUMNS.indexOf("id");
const JSON_COLUMNS = TASK_RUN_COLUMNS.flatMap((column, index) => (TASK_RUNS.types?.[column] === "json" ? [index] : []));
const NO_TAGS: readonly string[] = Object.freeze([]);

/** Check the fields of a write that brings no row yet (no states): they are stored later. */
function checkWriteFields(write: TaskRunWrite, index: number): void {
  if (!isName(write.name)) checkName(write.name, fieldPath(index, "name"));
  if (!isName(write.taskKey)) checkName(write.taskKey, fieldPath(index, "taskKey"));
  if (typeof write.dynamicKey !== "string") invalid(fieldPath(index, "dynamicKey"), "must be a string");
  if (write.tags !== undefined) checkStringList(write.tags, fieldPath(index, "tags"));
  if (write.cacheExpiration !== undefined) checkOptionalTime(write.cacheExpiration, fieldPath(index, "cacheExpiration"));
}

/**
 * The row a write leads to, given the stored row (if any); null when there is nothing to store
 * yet (a write with no states for a task run that does not exist: its first state brings it).
 * States already in the stored history (a batch sent again) are left out: writes are idempotent.
 */
function rowAfterWrite(
  write: TaskRunWrite,
  existing: TaskRunTable | undefined,
  now: string,
  index: number,
  checks: TransitionChecks,
): TaskRunValues | null {
  let { states } = write;
  if (existing !== undefined && states.length > 0) {
    const stored = new Set(fromJsonColumn<State[]>(existing.state_history).map((state) => state.id));
    states = states.filter((state) => !stored.has(state.id));
  }
  const flowRunId = write.flowRunId ?? existing?.flow_run_id ?? null;
  let type = existing?.state_type ?? "";
  let timestamp = existing?.state_timestamp ?? "";
  let runCount = Number(existing?.run_count ?? 0);
  let totalRunTimeMs = Number(existing?.total_run_time_ms ?? 0);
  let startTime = existing?.start_time ?? null;
  let endTime = existing?.end_time ?? null;
  let current: State | null = null;
  for (let stateIndex = 0; stateIndex < states.length; stateIndex += 1) {
    const state = states[stateIndex]!;
    // A state older than the stored current one (batches arriving out of order) joins the history only.
    if (timestamp !== "" && state.timestamp < timestamp) continue;
    const flowRun = flowRunId !== null && isTaskStartType(state.type) ? checks.flowRuns.get(flowRunId) : undefined;
    // A start stamped before the flow run's current state (a batch that arrives late) was legal then.
    const flowRunType = flowRun !== undefined && state.timestamp > flowRun.timestamp ? flowRun.type : null;
    const decision = decideTaskRunTransition(type === "" ? null : (type as StateType), state.type, flowRunType);
    if (decision.status !== "ACCEPT") {
      const refusal: TaskRunRefusal = { taskRunId: write.id, flowRunId, stateId: state.id, status: decision.status, reason: decision.reason };
      if (decision.status === "ABORT" && flowRunType !== null) refusal.flowRunStateType = flowRunType;
      checks.refused.set(write.id, refusal);
      states = states.slice(0, stateIndex);
      break;
    }
    if (type === "RUNNING" && state.type !== "RUNNING") totalRunTimeMs += Math.max(0, Date.parse(state.timestamp) - Date.parse(timestamp));
    if (state.type === "RUNNING" && type !== "RUNNING") {
      runCount += 1;
      startTime ??= state.timestamp;
    }
    endTime = isTerminalStateType(state.type) ? state.timestamp : null;
    type = state.type;
    timestamp = state.timestamp;
    current = state;
  }
  if (current === null && existing === undefined) return null;
  const { tags, inputs } = write;
  return [
    write.id,
    orStored(write.flowRunId, existing?.flow_run_id, null),
    isName(write.name) ? write.name : checkName(write.name, fieldPath(index, "name")),
    isName(write.taskKey) ? write.taskKey : checkName(write.taskKey, fieldPath(index, "taskKey")),
    typeof write.dynamicKey === "string" ? write.dynamicKey : invalid(fieldPath(index, "dynamicKey"), "must be a string"),
    tags === undefined
      ? existing === undefined ? NO_TAGS : fromJsonColumn<string[]>(existing.tags)
      : Array.isArray(tags) && tags.length === 0 ? NO_TAGS : checkStringList(tags, fieldPath(index, "tags")),
    inputs === undefined ? (existing === undefined ? null : fromJsonColumn<object | null>(existing.inputs)) : (inputs ?? null),
    orStored(write.cacheKey, existing?.cache_key, null),
    write.cacheExpiration === undefined ? (existing?.cache_expiration ?? null) : checkOptionalTime(write.cacheExpiration, fieldPath(index, "cacheExpiration")),
    current ?? fromJsonColumn<State>(existing!.state),
    current ? current.id : existing!.state_id,
    current ? current.type : existing!.state_type,
    current ? current.name : existing!.state_name,
    current ? current.timestamp : existing!.state_timestamp,
    runCount,
    write.retryPolicy === undefined && existing ? fromJsonColumn<RetryPolicy>(existing.retry_policy) : retryPolicyValue(write.retryPolicy),
    existing?.expected_start_time ?? states[0]?.timestamp ?? now,
    startTime,
    endTime,
    totalRunTimeMs,
    orStored(write.subflowRunId, existing?.subflow_run_id, null),
    existing?.created_at ?? now,
    now,
    // One native call for a new run's whole history (the common case); appended text otherwise.
    existing === undefined ? toJsonText(states) : appendToHistory(existing.state_history, states.map((state) => toJsonText(state))),
  ];
}

/** What the rules check a batch against, and the refusals found (by task-run id). */
interface TransitionChecks {
  /** Current state (type, since when) of the flow runs whose task runs start in the batch. */
  flowRuns: ReadonlyMap<string, { type: StateType; timestamp: string }>;
  refused: Map<string, TaskRunRefusal>;
}

/** Flow runs whose task runs enter a starting state in the batch (their state decides whether they may). */
function startingFlowRunIds(writes: Iterable<TaskRunWrite>): string[] {
  const ids = new Set<string>();
  for (const write of writes) {
    const { flowRunId } = write;
    if (typeof flowRunId !== "string" || ids.has(flowRunId)) continue;
    for (const state of write.states) {
      if (isTaskStartType(state.type)) {
        ids.add(flowRunId);
        break;
      }
    }
  }
  return [...ids];
}

/** A row's values as the table row the event mapper reads (JSON columns as text). */
function tableRowOf(values: TaskRunValues): TaskRunTable {
  const row: Record<string, unknown> = {};
  for (let column = 0; column < TASK_RUN_COLUMNS.length; column += 1) row[TASK_RUN_COLUMNS[column]!] = values[column];
  for (const column of JSON_COLUMNS) row[TASK_RUN_COLUMNS[column]!] = toNullableJsonColumn(values[column]);
  return row as unknown as TaskRunTable;
}

/** The task-runs area of the service layer. */
export function createTaskRunService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db, bulk } = database;

  return {
    async writeTaskRuns(writes: TaskRunWrite[]): Promise<TaskRunWriteResult> {
      if (!Array.isArray(writes)) invalid("writes", "must be a list");
      if (writes.length === 0) return { refused: [] };
      const byId = mergeWrites(writes);
      const now = ctx.clock.now().toISOString();
      const flowRunIds = startingFlowRunIds(byId.values());
      const checks: TransitionChecks = { flowRuns: new Map(), refused: new Map() };
      if (flowRunIds.length > 0) {
        const flowRuns = await bulk.selectByIds<{ id: string; state_type: StateType; state_timestamp: string }>(db, "flow_runs", ["id", "state_type", "state_timestamp"], flowRunIds);
        checks.flowRuns = new Map(flowRuns.map((row) => [row.id, { type: row.state_type, timestamp: row.state_timestamp }]));
      }
      // Every row is made (and its write checked) before anything is stored: bad input stores nothing.
      const fresh: TaskRunValues[] = [];
      const positions = new Map<string, number>();
      const toUpdate: TaskRunWrite[] = [];
      let position = 0;
      for (const write of byId.values()) {
        const row = rowAfterWrite(write, undefined, now, position, checks);
        if (row !== null) fresh.push(row);
        else {
          checkWriteFields(write, position);
          toUpdate.push(write);
        }
        positions.set(write.id, position);
        position += 1;
      }
      const written: TaskRunValues[] | null = ctx.events.hasListeners("task-run") ? [] : null;
      const store = async (runner: typeof db): Promise<void> => {
        const stored = fresh.length === 0 ? [] : await bulk.insertNew(runner, TASK_RUNS, fresh);
        if (stored.length === 0) written?.push(...fresh);
        else {
          const isStored = new Set(stored);
          for (const row of fresh) if (!isStored.has(row[ID] as string)) written?.push(row);
          for (const id of stored) toUpdate.push(byId.get(id)!);
        }
        if (toUpdate.length === 0) return;
        // Runs stored before (a later batch of a run, or a batch sent again): read, merge, upsert.
        await database.writeTransaction(async (trx) => {
          const found = await bulk.selectByIds<TaskRunTable>(trx, "task_runs", TASK_RUN_COLUMNS, toUpdate.map((write) => write.id));
          const existing = new Map(found.map((row) => [row.id, row]));
          const rows: TaskRunValues[] = [];
          for (const write of toUpdate) {
            // Decided again against the stored run (what was decided for a new one does not hold).
            checks.refused.delete(write.id);
            const row = rowAfterWrite(write, existing.get(write.id), now, positions.get(write.id)!, checks);
            if (row !== null) rows.push(row);
          }
          if (rows.length > 0) await bulk.upsert(trx, TASK_RUNS, rows);
          written?.push(...rows);
        });
      };
      // A writer whose statements are atomic alone inserts new runs in one round trip, no transaction.
      if (bulk.needsWriteTransaction) await database.writeTransaction(store);
      else await store(db);
      if (written !== null) for (const row of written) ctx.events.publish({ kind: "task-run", taskRun: taskRunFromRow(tableRowOf(row)) });
      return { refused: checks.refused.size === 0 ? [] : [...checks.refused.values()] };
    },

    async readTaskRun(id: string): Promise<TaskRun> {
      checkName(id, "id");
      const row = await db.selectFrom("task_runs").selectAll().where("id", "=", id).executeTakeFirst();
      if (!row) throw WeirError.notFound("task run", id);
      return taskRunFromRow(row);
    },

    async listTaskRuns(filter: TaskRunFilter = {}, page?: PageRequest): Promise<Page<TaskRun>> {
      const { limit, after } = compilePageRequest(page, "START_ASC");
      let query = db.selectFrom("task_runs").selectAll().orderBy("expected_start_time", "asc").orderBy("id", "asc").limit(limit + 1);
      if (filter.flowRunId !== undefined) query = query.where("flow_run_id", "=", checkName(filter.flowRunId, "flowRunId"));
      if (filter.taskKey !== undefined) query = query.where("task_key", "=", checkName(filter.taskKey, "taskKey"));
      if (filter.stateTypes !== undefined) {
        const types = checkStringList(filter.stateTypes, "stateTypes");
        for (const type of types) if (!STATE_TYPES.includes(type as never)) invalid("stateTypes", `unknown state type '${type}'`);
        query = types.length === 0 ? query.where(sql<boolean>`1 = 0`) : query.where("state_type", "in", types);
      }
      if (after) query = query.where((eb) => eb(eb.refTuple("expected_start_time", "id"), ">", eb.tuple(String(after.key), after.id)));
      const rows = await query.execute();
      return toPage(rows, limit, taskRunFromRow, (row) => ({ key: row.expected_start_time ?? "", id: row.id, sort: "START_ASC" }));
    },

    async readTaskRunStates(id: string): Promise<State[]> {
      checkName(id, "id");
      const row = await db.selectFrom("task_runs").select("state_history").where("id", "=", id).executeTakeFirst();
      if (!row) throw WeirError.notFound("task run", id);
      return fromJsonColumn<State[]>(row.state_history);
    },

    async findCachedTaskRun(cacheKey: string, now?: string): Promise<CacheHit | null> {
      checkName(cacheKey, "cacheKey");
      const at = now === undefined ? ctx.clock.now().toISOString() : checkTime(now, "now");
      const row = await db
        .selectFrom("task_runs")
        .select(["id", "state", "cache_expiration"])
        .where("cache_key", "=", cacheKey)
        .where("state_type", "=", "COMPLETED")
        .where((eb) => eb.or([eb("cache_expiration", "is", null), eb("cache_expiration", ">", at)]))
        .orderBy("end_time", "desc")
        .limit(1)
        .executeTakeFirst();
      return row ? { taskRunId: row.id, state: fromJsonColumn<State>(row.state), expiresAt: row.cache_expiration } : null;
    },
  };
}
