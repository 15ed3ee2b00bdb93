/**
 * Task runs. `writeTaskRuns` is the hot path (every task's states, batched by the SDK): one
 * write transaction per batch, one read of the existing rows, raw multi-row upserts and inserts
 * (src/db/bulk-writer.ts). History rows are keyed by state id, so a
 * batch sent twice (a retried request) stores nothing twice.
 */
import { sql } from "kysely";
import type { CacheHit, Page, PageRequest, TaskRunFilter, TaskRunWrite } from "../core/api-types.js";
import type { TaskRun } from "../core/models.js";
import { STATE_TYPES, isTerminalStateType, type State } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn, toNullableJsonColumn } from "../db/json-column.js";
import type { BulkValue } from "../db/bulk-writer.js";
import type { TaskRunTable } from "../db/schema.js";
import { compileRetryPolicy, taskRunFromRow } from "./flow-run-mapper.js";
import { checkName, checkOptionalTime, checkState, checkStringList, checkTime, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

const STATE_COLUMNS = ["id", "task_run_id", "type", "name", "timestamp", "state"] as const;

/** Merge writes of the same task run in one batch (their states in order, later fields win). */
function mergeWrites(writes: TaskRunWrite[]): TaskRunWrite[] {
  const byId = new Map<string, TaskRunWrite>();
  writes.forEach((write, index) => {
    if (typeof write !== "object" || write === null) invalid(`writes.${index}`, "must be an object");
    checkName(write.id, `writes.${index}.id`);
    if (!Array.isArray(write.states)) invalid(`writes.${index}.states`, "must be a list of states");
    const states = write.states.map((state, stateIndex) => checkState(state, `writes.${index}.states.${stateIndex}`));
    const previous = byId.get(write.id);
    byId.set(write.id, previous ? { ...previous, ...write, states: [...previous.states, ...states] } : { ...write, states });
  });
  return [...byId.values()];
}

/** The row a write leads to, given the stored row (if any). */
/** Keep the stored value when a write leaves an optional field out. */
function orStored<T>(value: T | undefined, stored: T | undefined, fallback: T): T {
  return value !== undefined ? value : stored !== undefined ? stored : fallback;
}

/**
 * The row a write leads to, given the stored row (if any); null when there is nothing to store
 * yet (a write with no states for a task run that does not exist: its first state brings it).
 */
function rowAfterWrite(write: TaskRunWrite, existing: TaskRunTable | undefined, now: string, index: number): TaskRunTable | null {
  let type = existing?.state_type ?? "";
  let timestamp = existing?.state_timestamp ?? "";
  let runCount = Number(existing?.run_count ?? 0);
  let totalRunTimeMs = Number(existing?.total_run_time_ms ?? 0);
  let startTime = existing?.start_time ?? null;
  let endTime = existing?.end_time ?? null;
  let current: State | null = null;
  for (const state of write.states) {
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
    current = state;
  }
  if (current === null && existing === undefined) return null;
  const field = (name: string): string => `writes.${index}.${name}`;
  const stateColumns = current
    ? { state: toJsonColumn(current), state_id: current.id, state_type: current.type, state_name: current.name, state_timestamp: current.timestamp }
    : { state: existing!.state, state_id: existing!.state_id, state_type: existing!.state_type, state_name: existing!.state_name, state_timestamp: existing!.state_timestamp };
  return {
    id: write.id,
    flow_run_id: orStored(write.flowRunId, existing?.flow_run_id, null),
    name: checkName(write.name, field("name")),
    task_key: checkName(write.taskKey, field("taskKey")),
    dynamic_key: typeof write.dynamicKey === "string" ? write.dynamicKey : invalid(field("dynamicKey"), "must be a string"),
    tags: write.tags === undefined ? (existing?.tags ?? "[]") : toJsonColumn(checkStringList(write.tags, field("tags"))),
    inputs: write.inputs === undefined ? (existing?.inputs ?? null) : toNullableJsonColumn(write.inputs),
    cache_key: orStored(write.cacheKey, existing?.cache_key, null),
    cache_expiration: write.cacheExpiration === undefined ? (existing?.cache_expiration ?? null) : checkOptionalTime(write.cacheExpiration, field("cacheExpiration")),
    ...stateColumns,
    run_count: runCount,
    retry_policy: write.retryPolicy === undefined && existing ? existing.retry_policy : toJsonColumn(compileRetryPolicy(write.retryPolicy)),
    expected_start_time: existing?.expected_start_time ?? write.states[0]?.timestamp ?? now,
    start_time: startTime,
    end_time: endTime,
    total_run_time_ms: totalRunTimeMs,
    subflow_run_id: orStored(write.subflowRunId, existing?.subflow_run_id, null),
    created_at: existing?.created_at ?? now,
    updated_at: now,
  };
}

const TASK_RUN_COLUMNS = [
  "id", "flow_run_id", "name", "task_key", "dynamic_key", "tags", "inputs", "cache_key", "cache_expiration", "state", "state_id", "state_type",
  "state_name", "state_timestamp", "run_count", "retry_policy", "expected_start_time", "start_time", "end_time", "total_run_time_ms",
  "subflow_run_id", "created_at", "updated_at",
] as const satisfies ReadonlyArray<keyof TaskRunTable>;

const UPDATED_COLUMNS = [
  "flow_run_id", "name", "task_key", "dynamic_key", "tags", "inputs", "cache_key", "cache_expiration", "state", "state_id", "state_type",
  "state_name", "state_timestamp", "run_count", "retry_policy", "start_time", "end_time", "total_run_time_ms", "subflow_run_id", "updated_at",
] as const satisfies ReadonlyArray<keyof TaskRunTable>;

/** The task-runs area of the service layer. */
export function createTaskRunService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;

  return {
    async writeTaskRuns(writes: TaskRunWrite[]): Promise<void> {
      if (!Array.isArray(writes)) invalid("writes", "must be a list");
      if (writes.length === 0) return;
      const merged = mergeWrites(writes);
      const now = ctx.clock.now().toISOString();
      const rows = await database.writeTransaction(async (trx) => {
        const found = await database.bulk.selectByIds<TaskRunTable>(trx, "task_runs", TASK_RUN_COLUMNS, merged.map((write) => write.id));
        const existing = new Map(found.map((row) => [row.id, row]));
        const upserts = merged.map((write, index) => rowAfterWrite(write, existing.get(write.id), now, index)).filter((row) => row !== null);
        await database.bulk.insert(trx, "task_runs", TASK_RUN_COLUMNS, upserts.map((row) => TASK_RUN_COLUMNS.map((column) => row[column])), {
          columns: ["id"],
          update: UPDATED_COLUMNS,
        });
        const history: BulkValue[][] = [];
        for (const write of merged) {
          for (const state of write.states) history.push([state.id, write.id, state.type, state.name, state.timestamp, toJsonColumn(state)]);
        }
        await database.bulk.insert(trx, "task_run_states", STATE_COLUMNS, history, { columns: ["task_run_id", "id"], update: null });
        return upserts;
      });
      if (ctx.events.hasListeners("task-run")) for (const row of rows) ctx.events.publish({ kind: "task-run", taskRun: taskRunFromRow(row) });
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
      const rows = await db.selectFrom("task_run_states").select("state").where("task_run_id", "=", id).orderBy("seq").execute();
      if (rows.length === 0 && !(await db.selectFrom("task_runs").select("id").where("id", "=", id).executeTakeFirst())) {
        throw WeirError.notFound("task run", id);
      }
      return rows.map((row) => fromJsonColumn<State>(row.state));
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
