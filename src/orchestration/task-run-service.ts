/**
 * Task runs. `writeTaskRuns` is the hot path (every task's states, batched by the SDK): one
 * write transaction per batch, one read of the existing rows, one raw multi-row upsert
 * (src/db/bulk-writer.ts). A task run is one row, its state history included (migration 003), so
 * a trivial task costs one row write. States are keyed by id, so a batch sent twice (a retried
 * request) stores nothing twice.
 */
import { sql } from "kysely";
import type { CacheHit, Page, PageRequest, TaskRunFilter, TaskRunWrite } from "../core/api-types.js";
import type { TaskRun } from "../core/models.js";
import { STATE_TYPES, STATE_TYPE_OF_NAME, isTerminalStateType, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn, toNullableJsonColumn } from "../db/json-column.js";
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
      byId.set(write.id, { ...previous, ...write, states: [...previous.states, ...states.filter((state) => !seen.has(state.id))] });
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
const retryPolicyJson = new WeakMap<object, string>();
function retryPolicyColumn(policy: TaskRunWrite["retryPolicy"]): string {
  if (typeof policy !== "object" || policy === null) return toJsonColumn(compileRetryPolicy(policy));
  let text = retryPolicyJson.get(policy);
  if (text === undefined) {
    text = toJsonColumn(compileRetryPolicy(policy));
    retryPolicyJson.set(policy, text);
  }
  return text;
}

/** The history text with `stateTexts` (JSON of states) appended. */
function appendToHistory(history: string, stateTexts: readonly string[]): string {
  if (stateTexts.length === 0) return history;
  const end = history.lastIndexOf("]");
  const isEmpty = history.slice(history.indexOf("[") + 1, end).trim() === "";
  return `${history.slice(0, end)}${isEmpty ? "" : ","}${stateTexts.join(",")}]`;
}

/**
 * The row a write leads to, given the stored row (if any); null when there is nothing to store
 * yet (a write with no states for a task run that does not exist: its first state brings it).
 * States already in the stored history (a batch sent again) are left out: writes are idempotent.
 */
function rowAfterWrite(write: TaskRunWrite, existing: TaskRunTable | undefined, now: string, index: number): TaskRunTable | null {
  let { states } = write;
  if (existing !== undefined && states.length > 0) {
    const stored = new Set(fromJsonColumn<State[]>(existing.state_history).map((state) => state.id));
    states = states.filter((state) => !stored.has(state.id));
  }
  let type = existing?.state_type ?? "";
  let timestamp = existing?.state_timestamp ?? "";
  let runCount = Number(existing?.run_count ?? 0);
  let totalRunTimeMs = Number(existing?.total_run_time_ms ?? 0);
  let startTime = existing?.start_time ?? null;
  let endTime = existing?.end_time ?? null;
  let current = -1;
  const stateTexts: string[] = [];
  for (const state of states) {
    stateTexts.push(toJsonColumn(state));
    // A state older than the stored current one (batches arriving out of order) joins the history only.
    if (timestamp !== "" && state.timestamp < timestamp) continue;
    if (type === "RUNNING" && state.type !== "RUNNING") totalRunTimeMs += Math.max(0, Date.parse(state.timestamp) - Date.parse(timestamp));
    if (state.type === "RUNNING" && type !== "RUNNING") {
      runCount += 1;
      startTime ??= state.timestamp;
    }
    endTime = isTerminalStateType(state.type) ? state.timestamp : null;
    type = state.type;
    timestamp = state.timestamp;
    current = stateTexts.length - 1;
  }
  if (current === -1 && existing === undefined) return null;
  const currentState = current === -1 ? null : states[current]!;
  return {
    id: write.id,
    flow_run_id: orStored(write.flowRunId, existing?.flow_run_id, null),
    name: isName(write.name) ? write.name : checkName(write.name, fieldPath(index, "name")),
    task_key: isName(write.taskKey) ? write.taskKey : checkName(write.taskKey, fieldPath(index, "taskKey")),
    dynamic_key: typeof write.dynamicKey === "string" ? write.dynamicKey : invalid(fieldPath(index, "dynamicKey"), "must be a string"),
    tags: write.tags === undefined ? (existing?.tags ?? "[]") : Array.isArray(write.tags) && write.tags.length === 0 ? "[]" : toJsonColumn(checkStringList(write.tags, fieldPath(index, "tags"))),
    inputs: write.inputs === undefined ? (existing?.inputs ?? null) : toNullableJsonColumn(write.inputs),
    cache_key: orStored(write.cacheKey, existing?.cache_key, null),
    cache_expiration: write.cacheExpiration === undefined ? (existing?.cache_expiration ?? null) : checkOptionalTime(write.cacheExpiration, fieldPath(index, "cacheExpiration")),
    state: currentState ? stateTexts[current]! : existing!.state,
    state_id: currentState ? currentState.id : existing!.state_id,
    state_type: currentState ? currentState.type : existing!.state_type,
    state_name: currentState ? currentState.name : existing!.state_name,
    state_timestamp: currentState ? currentState.timestamp : existing!.state_timestamp,
    run_count: runCount,
    retry_policy: write.retryPolicy === undefined && existing ? existing.retry_policy : retryPolicyColumn(write.retryPolicy),
    expected_start_time: existing?.expected_start_time ?? states[0]?.timestamp ?? now,
    start_time: startTime,
    end_time: endTime,
    total_run_time_ms: totalRunTimeMs,
    subflow_run_id: orStored(write.subflowRunId, existing?.subflow_run_id, null),
    created_at: existing?.created_at ?? now,
    updated_at: now,
    state_history: existing === undefined ? `[${stateTexts.join(",")}]` : appendToHistory(existing.state_history, stateTexts),
  };
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

/**
 * The values of the rows the writes lead to, made one at a time as the writer asks (in one reused
 * array): a batch of thousands of task runs then leaves no rows alive to be promoted by the GC.
 * Rows are kept in `keep` when someone listens for task-run events.
 */
function* rowsToWrite(writes: Map<string, TaskRunWrite>, existing: Map<string, TaskRunTable>, now: string, keep: TaskRunTable[] | null): Generator<readonly BulkValue[]> {
  const values = new Array<BulkValue>(TASK_RUN_COLUMNS.length);
  let index = 0;
  for (const write of writes.values()) {
    const row = rowAfterWrite(write, existing.get(write.id), now, index);
    index += 1;
    if (row === null) continue;
    keep?.push(row);
    for (let column = 0; column < TASK_RUN_COLUMNS.length; column += 1) values[column] = row[TASK_RUN_COLUMNS[column]!];
    yield values;
  }
}

/** The upsert of task-run rows: the newest write of a run replaces its row. */
const TASK_RUN_UPSERT: BulkTable = {
  table: "task_runs",
  columns: TASK_RUN_COLUMNS,
  types: { tags: "json", inputs: "json", state: "json", retry_policy: "json", run_count: "integer", total_run_time_ms: "integer", state_history: "jsonText" },
  conflict: { columns: ["id"], update: UPDATED_COLUMNS },
};

/** The task-runs area of the service layer. */
export function createTaskRunService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;

  return {
    async writeTaskRuns(writes: TaskRunWrite[]): Promise<void> {
      if (!Array.isArray(writes)) invalid("writes", "must be a list");
      if (writes.length === 0) return;
      const byId = mergeWrites(writes);
      const now = ctx.clock.now().toISOString();
      const hasListeners = ctx.events.hasListeners("task-run");
      const rows = await database.writeTransaction(async (trx) => {
        const found = await database.bulk.selectByIds<TaskRunTable>(trx, "task_runs", TASK_RUN_COLUMNS, [...byId.keys()]);
        const existing = new Map<string, TaskRunTable>();
        for (const row of found) existing.set(row.id, row);
        const written: TaskRunTable[] = [];
        await database.bulk.insert(trx, TASK_RUN_UPSERT, rowsToWrite(byId, existing, now, hasListeners ? written : null));
        return written;
      });
      for (const row of rows) ctx.events.publish({ kind: "task-run", taskRun: taskRunFromRow(row) });
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
