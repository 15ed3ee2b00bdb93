/**
 * Flow runs: create (with a client-chosen id), read, list with filters and keyset pages, count,
 * delete. On PostgreSQL the runs created at the same time are inserted by one statement
 * (write-batcher.ts, flow-run-batch-statements.ts); every created row is remembered for the
 * state change that usually follows (flow-run-row-cache.ts).
 */
import type { CreateFlowRunInput, FlowRunFilter, Page, PageRequest } from "../core/api-types.js";
import type { FlowRun } from "../core/models.js";
import { INITIAL_FLOW_RUN_STATE_TYPES, makeState, type State, type StateType } from "../core/states.js";
import { WeirError } from "../core/weir-error.js";
import { toJsonColumn } from "../db/json-column.js";
import type { FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { appendFlowRunStates, columnsAfterStates } from "./apply-flow-run-state.js";
import { insertFlowRunsWithStates } from "./flow-run-batch-statements.js";
import { countFlowRunsMatching } from "./flow-run-count-query.js";
import { listFlowRunPage } from "./flow-run-list-query.js";
import { compileRetryPolicy, flowRunFromRow } from "./flow-run-mapper.js";
import { ensureFlow } from "./flow-service.js";
import { flowRunRowCacheOf } from "./flow-run-row-cache.js";
import { generateRunName } from "./generate-run-name.js";
import { checkName, checkObject, checkState, checkStringList, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { createWriteBatcher, type WriteBatcher } from "./write-batcher.js";
import { deleteUnreferencedResults, resultKeysOfFlowRuns } from "./maintenance/release-stored-results.js";

const INITIAL_STATE_TYPES: ReadonlySet<StateType> = new Set(INITIAL_FLOW_RUN_STATE_TYPES);

/** A new flow run row in its first state (not yet written); shared with deployment runs. */
export function newFlowRunRow(fields: Pick<FlowRunTable, "id" | "flow_id" | "flow_name"> & Partial<FlowRunTable>, now: string): FlowRunTable {
  return {
    name: generateRunName(),
    deployment_id: null,
    deployment_name: null,
    parent_flow_run_id: null,
    parent_task_run_id: null,
    parameters: "{}",
    tags: "[]",
    state: "null",
    state_id: "",
    state_type: "",
    state_name: "",
    state_timestamp: now,
    run_count: 0,
    retry_policy: toJsonColumn(compileRetryPolicy(undefined)),
    expected_start_time: now,
    next_scheduled_start_time: null,
    start_time: null,
    end_time: null,
    total_run_time_ms: 0,
    work_pool_name: null,
    work_queue_name: null,
    worker_id: null,
    worker_name: null,
    heartbeat_at: null,
    heartbeat_interval_seconds: null,
    infrastructure_pid: null,
    code_version: null,
    idempotency_key: null,
    schedule_id: null,
    created_at: now,
    updated_at: now,
    ...fields,
  };
}

const insertBatchers = new WeakMap<WeirDatabase, WriteBatcher<{ row: FlowRunTable; states: State[] }, boolean>>();

// New runs of one database, grouped into batches (write-batcher.ts).
function insertBatcherOf(database: WeirDatabase): WriteBatcher<{ row: FlowRunTable; states: State[] }, boolean> {
  let batcher = insertBatchers.get(database);
  if (batcher === undefined) {
    batcher = createWriteBatcher((runs) => insertFlowRunsWithStates(database.db, runs), { keyOf: (run) => run.row.id });
    insertBatchers.set(database, batcher);
  }
  return batcher;
}

/** The flow-runs area of the service layer (state changes are in flow-run-state-service.ts). */
export function createFlowRunService(ctx: OrchestrationContext) {
  const { database } = ctx;
  const { db } = database;
  // Flows are never deleted, so their ids can be remembered (saves a query per run created).
  const flowIds = new Map<string, Promise<string>>();
  const rowCache = flowRunRowCacheOf(database);

  /** Insert a run and its first states atomically; false when the id already exists. */
  async function insertRunWithFirstStates(created: FlowRunTable, states: State[]): Promise<boolean> {
    if (database.capabilities.supportsDataModifyingCte) {
      // One statement (shared with the runs created meanwhile): states only for a new run row.
      return insertBatcherOf(database)({ row: created, states });
    }
    return database.writeTransaction(async (trx) => {
      const inserted = await trx.insertInto("flow_runs").values(created).onConflict((oc) => oc.column("id").doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) return false;
      await appendFlowRunStates(trx, created.id, states);
      return true;
    });
  }

  async function readRow(id: string): Promise<FlowRunTable> {
    checkName(id, "id");
    const row = await db.selectFrom("flow_runs").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw WeirError.notFound("flow run", id);
    return row;
  }

  return {
    async createFlowRun(input: CreateFlowRunInput): Promise<FlowRun> {
      if (typeof input !== "object" || input === null) invalid("input", "must be an object");
      const flowName = checkName(input.flowName, "flowName");
      const id = input.id === undefined ? crypto.randomUUID() : checkName(input.id, "id");
      const now = ctx.clock.now();
      const nowIso = now.toISOString();
      const state = input.state === undefined ? makeState("Pending", { now }) : checkState(input.state, "state");
      if (!INITIAL_STATE_TYPES.has(state.type)) invalid("state", `a new run starts Scheduled, Pending or Running, not ${state.name}`);
      // A run started at once (the SDK's own runs) still went through Pending: record it, at the same instant.
      const states = state.type === "RUNNING" ? [makeState("Pending", { timestamp: state.timestamp }), state] : [state];
      const parameters = checkObject(input.parameters, "parameters");
      const tags = checkStringList(input.tags, "tags");
      let flowId = flowIds.get(flowName);
      if (flowId === undefined) {
        flowId = ensureFlow(db, flowName, nowIso).then((flow) => flow.id);
        flowIds.set(flowName, flowId);
        // A failure is not remembered: the next run asks again.
        flowId.catch(() => flowIds.delete(flowName));
      }
      const base = newFlowRunRow(
        {
          id,
          flow_id: await flowId,
          flow_name: flowName,
          name: input.name === undefined ? generateRunName() : checkName(input.name, "name"),
          parent_flow_run_id: input.parentFlowRunId ?? null,
          parent_task_run_id: input.parentTaskRunId ?? null,
          parameters: toJsonColumn(parameters),
          tags: toJsonColumn(tags),
          retry_policy: toJsonColumn(compileRetryPolicy(input.retryPolicy)),
          expected_start_time: state.type === "SCHEDULED" ? (state.scheduledTime ?? state.timestamp) : state.timestamp,
        },
        nowIso,
      );
      const created = { ...base, ...columnsAfterStates(base, states, nowIso) };
      let row: FlowRunTable = created;
      let isCreated = await insertRunWithFirstStates(created, states);
      if (!isCreated) {
        // The id exists: the same request repeated (or raced), or a clash with another flow's run.
        const winner = await readRow(id);
        if (winner.flow_name !== flowName) throw new WeirError("CONFLICT", `flow run '${id}' already exists for flow '${winner.flow_name}'`);
        row = winner;
        isCreated = false;
      }
      rowCache.remember(row);
      const flowRun = flowRunFromRow(row);
      if (isCreated) ctx.events.publish({ kind: "flow-run", flowRun });
      return flowRun;
    },

    async readFlowRun(id: string): Promise<FlowRun> {
      return flowRunFromRow(await readRow(id));
    },

    listFlowRuns(filter?: FlowRunFilter, page?: PageRequest): Promise<Page<FlowRun>> {
      return listFlowRunPage(database, filter, page);
    },

    async countFlowRuns(filter?: FlowRunFilter): Promise<number> {
      return countFlowRunsMatching(database, filter);
    },

    async deleteFlowRun(id: string): Promise<void> {
      await readRow(id);
      rowCache.forget(id);
      await database.writeTransaction(async (trx) => {
        // Subflow runs go with their parent, depth first.
        const ids = [id];
        const seen = new Set(ids);
        for (let index = 0; index < ids.length; index++) {
          const children = await trx.selectFrom("flow_runs").select("id").where("parent_flow_run_id", "=", ids[index] ?? "").execute();
          // A set guards against parent links that form a cycle (a run naming itself as parent).
          for (const child of children) {
            if (seen.has(child.id)) continue;
            seen.add(child.id);
            ids.push(child.id);
          }
        }
        const resultKeys: string[] = [];
        for (let start = 0; start < ids.length; start += 500) {
          const chunk = ids.slice(start, start + 500);
          resultKeys.push(...(await resultKeysOfFlowRuns(trx, database.sql, chunk)));
          await trx.deleteFrom("logs").where("flow_run_id", "in", chunk).execute();
          await trx.deleteFrom("artifacts").where("flow_run_id", "in", chunk).execute();
          // task_run_states has no foreign key (hot path), so its rows go explicitly.
          await trx
            .deleteFrom("task_run_states")
            .where("task_run_id", "in", (eb) => eb.selectFrom("task_runs").select("id").where("flow_run_id", "in", chunk))
            .execute();
          await trx.deleteFrom("task_runs").where("flow_run_id", "in", chunk).execute();
          // Nor has the flow-run history on PostgreSQL (migration 004).
          await trx.deleteFrom("flow_run_states").where("flow_run_id", "in", chunk).execute();
          await trx.deleteFrom("flow_run_transitions").where("flow_run_id", "in", chunk).execute();
          await trx.deleteFrom("flow_runs").where("id", "in", chunk).execute();
        }
        // Their `server` results too, unless another run refers to one (a cache hit of it).
        await deleteUnreferencedResults(trx, database.sql, resultKeys);
      });
    },
  };
}
