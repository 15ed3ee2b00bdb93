/**
 * Deployments and their schedules: upsert by (flow, name) — the flow is registered if missing and
 * its parameter schema updated; the queue is created in the pool if missing; given schedules
 * replace the old ones (an unchanged schedule keeps its id and its runs, a removed or changed one
 * loses its unstarted future runs). Read by id or `flow/name`, list, patch (pause/resume), delete
 * (past runs are kept; runs still waiting to be claimed end Cancelled), and runs created from a deployment (src/orchestration/deployment-flow-run.ts).
 */
import type { Kysely } from "kysely";
import type { CreateDeploymentFlowRunInput, DeploymentFilter, Page, PageRequest, ScheduleInput, UpdateDeploymentInput, UpsertDeploymentInput } from "../core/api-types.js";
import type { DeploymentVersion } from "../core/deployment-versions.js";
import type { Deployment, DeploymentSchedule, FlowRun } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { toJsonColumn, toNullableJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, DeploymentScheduleTable, DeploymentTable } from "../db/schema.js";
import { checkCatchupPolicy, checkCatchupWindow, checkDeploymentConcurrencyLimit, checkExecutionMode, checkOverlapPolicy, compileScheduleInput, compileUpsertDeploymentInput, type CompiledScheduleInput } from "./deployment-checks.js";
import { cancelWaitingDeploymentRuns } from "./cancel-waiting-deployment-runs.js";
import { createDeploymentFlowRun } from "./deployment-flow-run.js";
import { deploymentFromRow, deploymentScheduleFromRow } from "./deployment-mapper.js";
import { deleteUnstartedScheduleRuns } from "./deployment-schedule-runs.js";
import { ensureFlow } from "./flow-service.js";
import { flowRunFromRow } from "./flow-run-mapper.js";
import { checkName, checkObject, checkStringList } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";
import type { DeploymentChangeOptions } from "../core/api-types.js";
import { checkAuthor, checkEntrypointHash, checkVersionNumber, listDeploymentVersions, readDeploymentVersion, recordDeploymentVersion, type VersionChange } from "./deployment-version-service.js";
import { appendEvents } from "./append-events.js";
import { changedFields, deploymentEvent, scheduleEvent } from "./resource-events.js";
import { checkDescription, checkOptionalBoolean } from "./work-pool-checks.js";
import { ensureWorkQueue } from "./work-pool-service.js";

type Trx = Kysely<DatabaseSchema>;

type SchedulePolicyFields = Pick<CompiledScheduleInput, "catchup" | "catchupWindow" | "overlap">;

function scheduleKey(schedule: { schedule: unknown; parameters: unknown }): string {
  return JSON.stringify([schedule.schedule, schedule.parameters]);
}

// Whether a stored schedule is the wanted one: same spec and parameters, and the same active flag
// when the input says one (a schedule paused in the dashboard stays paused when a weir.yaml that
// does not mention `active` is applied again).
function isSameSchedule(stored: DeploymentSchedule, wanted: CompiledScheduleInput): boolean {
  return scheduleKey(stored) === scheduleKey(wanted) && (!wanted.isActiveGiven || stored.isActive === wanted.isActive);
}

function policyKey(schedule: SchedulePolicyFields): string {
  return JSON.stringify([schedule.catchup, schedule.catchupWindow, schedule.overlap]);
}

function policyColumns(schedule: SchedulePolicyFields): Pick<DeploymentScheduleTable, "catchup" | "catchup_window_seconds" | "overlap"> {
  return { catchup: schedule.catchup, catchup_window_seconds: schedule.catchupWindow, overlap: schedule.overlap };
}

function newScheduleRow(deploymentId: string, input: CompiledScheduleInput, now: string): DeploymentScheduleTable {
  return {
    id: crypto.randomUUID(),
    deployment_id: deploymentId,
    schedule: toJsonColumn(input.schedule),
    parameters: toJsonColumn(input.parameters),
    is_active: input.isActive ? 1 : 0,
    ...policyColumns(input),
    created_at: now,
    updated_at: now,
  };
}

/** What replacing a deployment's schedules did, for its events. */
interface ScheduleChanges {
  created: DeploymentScheduleTable[];
  updated: DeploymentScheduleTable[];
  deleted: DeploymentScheduleTable[];
}

async function replaceSchedules(trx: Trx, deploymentId: string, wanted: CompiledScheduleInput[], now: string): Promise<ScheduleChanges> {
  const changes: ScheduleChanges = { created: [], updated: [], deleted: [] };
  const existing = await trx.selectFrom("deployment_schedules").selectAll().where("deployment_id", "=", deploymentId).execute();
  const kept = new Set<string>();
  const remaining = [...wanted];
  for (const row of existing) {
    const stored = deploymentScheduleFromRow(row);
    const index = remaining.findIndex((schedule) => isSameSchedule(stored, schedule));
    if (index >= 0) {
      kept.add(row.id);
      const [wantedSchedule] = remaining.splice(index, 1);
      // A changed policy is not a new schedule: the row (its id and its runs) stays.
      if (wantedSchedule && policyKey(wantedSchedule) !== policyKey(stored)) {
        await trx.updateTable("deployment_schedules").set({ ...policyColumns(wantedSchedule), updated_at: now }).where("id", "=", row.id).execute();
        changes.updated.push({ ...row, ...policyColumns(wantedSchedule), updated_at: now });
      }
    }
  }
  const removed = existing.filter((row) => !kept.has(row.id)).map((row) => row.id);
  await deleteUnstartedScheduleRuns(trx, { scheduleIds: removed }, now);
  if (removed.length > 0) await trx.deleteFrom("deployment_schedules").where("id", "in", removed).execute();
  // Schedules list in creation order; a millisecond apart keeps the order they were given in.
  const stamp = (index: number): string => new Date(Date.parse(now) + index).toISOString();
  changes.created = remaining.map((schedule, index) => newScheduleRow(deploymentId, schedule, stamp(index)));
  if (changes.created.length > 0) await trx.insertInto("deployment_schedules").values(changes.created).execute();
  changes.deleted = existing.filter((row) => !kept.has(row.id));
  return changes;
}

// The schedule events of a replacement.
function scheduleChangeEvents(changes: ScheduleChanges, deployment: Deployment) {
  return [
    ...changes.deleted.map((row) => scheduleEvent("deleted", deploymentScheduleFromRow(row), deployment)),
    ...changes.updated.map((row) => scheduleEvent("updated", deploymentScheduleFromRow(row), deployment, { changed: ["catchup", "catchupWindow", "overlap"] })),
    ...changes.created.map((row) => scheduleEvent("created", deploymentScheduleFromRow(row), deployment)),
  ];
}

/** The deployments area of the service layer. */
export function createDeploymentService(ctx: OrchestrationContext) {
  const { database, events } = ctx;
  const { db } = database;

  async function load(trx: Trx, where: { id: string } | { flowName: string; name: string }): Promise<Deployment> {
    let query = trx.selectFrom("deployments").selectAll();
    query = "id" in where ? query.where("id", "=", where.id) : query.where("flow_name", "=", where.flowName).where("name", "=", where.name);
    const row = await query.executeTakeFirst();
    if (!row) throw WeirError.notFound("deployment", "id" in where ? where.id : `${where.flowName}/${where.name}`);
    const schedules = await trx.selectFrom("deployment_schedules").selectAll().where("deployment_id", "=", row.id).execute();
    return deploymentFromRow(row, schedules);
  }

  // Record a version of the deployment as stored now (see deployment-version-service.ts) and return it with its number.
  async function withVersion(trx: Trx, deployment: Deployment, change: VersionChange): Promise<Deployment> {
    const version = await recordDeploymentVersion(trx, database, deployment, change);
    return version === null ? deployment : { ...deployment, versionNumber: version };
  }

  async function versioned(trx: Trx, id: string, change: VersionChange): Promise<Deployment> {
    return withVersion(trx, await load(trx, { id }), change);
  }

  async function upsert(input: UpsertDeploymentInput, change: Omit<VersionChange, "now">): Promise<Deployment> {
    const compiled = compileUpsertDeploymentInput(input);
    const now = ctx.clock.now().toISOString();
    const deployment = await database.writeTransaction(async (trx) => {
      const flow = await ensureFlow(trx, compiled.flowName, now);
      if (compiled.parameterSchema !== null) {
        await trx.updateTable("flows").set({ parameter_schema: toJsonColumn(compiled.parameterSchema), updated_at: now }).where("id", "=", flow.id).execute();
      }
      await ensureWorkQueue(trx, compiled.workPoolName, compiled.workQueueName, now);
      const values = {
        flow_name: compiled.flowName,
        description: compiled.description,
        version: compiled.version,
        entrypoint: compiled.entrypoint,
        path: compiled.path,
        parameters: toJsonColumn(compiled.parameters),
        parameter_schema: toNullableJsonColumn(compiled.parameterSchema),
        tags: toJsonColumn(compiled.tags),
        work_pool_name: compiled.workPoolName,
        work_queue_name: compiled.workQueueName,
        is_paused: compiled.isPaused ? 1 : 0,
        concurrency_limit: compiled.concurrencyLimit,
        collision_strategy: compiled.collisionStrategy,
        job_variables: toJsonColumn(compiled.jobVariables),
        pull: toNullableJsonColumn(compiled.pull),
        is_served: compiled.isServed ? 1 : 0,
        retry_policy: toNullableJsonColumn(compiled.retryPolicy),
        catchup: compiled.catchup,
        catchup_window_seconds: compiled.catchupWindow,
        overlap: compiled.overlap,
        execution: compiled.execution,
        updated_at: now,
      };
      const existing = await trx.selectFrom("deployments").select("id").where("flow_id", "=", flow.id).where("name", "=", compiled.name).executeTakeFirst();
      const id = existing?.id ?? crypto.randomUUID();
      const before = existing ? await load(trx, { id }) : null;
      if (existing) {
        await trx.updateTable("deployments").set(values).where("id", "=", id).execute();
      } else {
        const row: DeploymentTable = { id, name: compiled.name, flow_id: flow.id, last_polled_at: null, version_number: null, created_at: now, ...values };
        await trx.insertInto("deployments").values(row).execute();
      }
      const scheduleChanges = compiled.schedules === undefined ? null : await replaceSchedules(trx, id, compiled.schedules, now);
      const after = await load(trx, { id });
      const changed = before === null ? [] : changedFields(before, after);
      const stored = [
        ...(before === null ? [deploymentEvent("created", after)] : changed.length > 0 ? [deploymentEvent("updated", after, { changed })] : []),
        ...(scheduleChanges === null ? [] : scheduleChangeEvents(scheduleChanges, after)),
      ];
      await appendEvents(trx, stored, new Date(now));
      return withVersion(trx, after, { ...change, now });
    });
    return published(deployment);
  }

  function published(deployment: Deployment): Deployment {
    events.publish({ kind: "deployment", deployment });
    return deployment;
  }

  return {
    async upsertDeployment(input: UpsertDeploymentInput, options: DeploymentChangeOptions = {}): Promise<Deployment> {
      const entrypointHash = checkEntrypointHash(input.entrypointHash) ?? null;
      return upsert(input, { author: checkAuthor(options.author), entrypointHash });
    },

    async readDeployment(id: string): Promise<Deployment> {
      checkName(id, "id");
      return load(db, { id });
    },

    async readDeploymentByName(fullName: string): Promise<Deployment> {
      const slash = typeof fullName === "string" ? fullName.indexOf("/") : -1;
      if (slash <= 0 || slash === fullName.length - 1) {
        throw WeirError.validation("deployment name", [{ path: "name", message: `'${String(fullName)}' is not of the form flowName/deploymentName` }]);
      }
      // Each half is a name of its own (checked as upserts check them), so any deployment can be read by name.
      const flowName = checkName(fullName.slice(0, slash), "flowName");
      const name = checkName(fullName.slice(slash + 1), "deploymentName");
      return load(db, { flowName, name });
    },

    async listDeployments(filter: DeploymentFilter = {}, page?: PageRequest): Promise<Page<Deployment>> {
      checkObject(filter, "filter");
      const { limit, after } = compilePageRequest(page, "FULL_NAME_ASC");
      let query = db.selectFrom("deployments").selectAll().orderBy("flow_name").orderBy("name").limit(limit + 1);
      const flowNames = checkStringList(filter.flowNames, "flowNames");
      const poolNames = checkStringList(filter.workPoolNames, "workPoolNames");
      if (flowNames.length > 0) query = query.where("flow_name", "in", flowNames);
      if (poolNames.length > 0) query = query.where("work_pool_name", "in", poolNames);
      const isServed = checkOptionalBoolean(filter.isServed, "isServed");
      if (isServed !== undefined) query = query.where("is_served", "=", isServed ? 1 : 0);
      if (after) {
        const [flowName, name] = JSON.parse(String(after.key)) as [string, string];
        query = query.where((eb) => eb(eb.refTuple("flow_name", "name"), ">", eb.tuple(flowName, name)));
      }
      const rows = await query.execute();
      const ids = rows.map((row) => row.id);
      const schedules = ids.length === 0 ? [] : await db.selectFrom("deployment_schedules").selectAll().where("deployment_id", "in", ids).execute();
      return toPage(rows, limit, (row) => deploymentFromRow(row, schedules), (row) => ({ key: JSON.stringify([row.flow_name, row.name]), id: row.id, sort: "FULL_NAME_ASC" }));
    },

    async updateDeployment(id: string, patch: UpdateDeploymentInput, options: DeploymentChangeOptions = {}): Promise<Deployment> {
      checkName(id, "id");
      const author = checkAuthor(options.author);
      checkObject(patch, "patch");
      const now = ctx.clock.now().toISOString();
      const set: Partial<DeploymentTable> = { updated_at: now };
      if (patch.description !== undefined) set.description = checkDescription(patch.description, "description");
      if (patch.parameters !== undefined) set.parameters = toJsonColumn(checkObject(patch.parameters, "parameters"));
      if (patch.tags !== undefined) set.tags = toJsonColumn(checkStringList(patch.tags, "tags"));
      if (patch.concurrencyLimit !== undefined) set.concurrency_limit = checkDeploymentConcurrencyLimit(patch.concurrencyLimit, "concurrencyLimit");
      const isPaused = checkOptionalBoolean(patch.isPaused, "isPaused");
      if (isPaused !== undefined) set.is_paused = isPaused ? 1 : 0;
      const catchup = checkCatchupPolicy(patch.catchup, "catchup");
      if (catchup !== undefined) set.catchup = catchup;
      const catchupWindow = checkCatchupWindow(patch.catchupWindow, "catchupWindow");
      if (catchupWindow !== undefined) set.catchup_window_seconds = catchupWindow;
      const overlap = checkOverlapPolicy(patch.overlap, "overlap");
      if (overlap !== undefined) set.overlap = overlap;
      if (patch.execution !== undefined) set.execution = checkExecutionMode(patch.execution, "execution");
      const deployment = await database.writeTransaction(async (trx) => {
        const current = await load(trx, { id });
        if (patch.workQueueName !== undefined) {
          set.work_queue_name = (await ensureWorkQueue(trx, current.workPoolName, checkName(patch.workQueueName, "workQueueName"), now)).name;
        }
        await trx.updateTable("deployments").set(set).where("id", "=", id).execute();
        const after = await load(trx, { id });
        const changed = changedFields(current, after);
        if (changed.length > 0) await appendEvents(trx, [deploymentEvent("updated", after, { changed })], new Date(now));
        return withVersion(trx, after, { author, now, entrypointHash: undefined });
      });
      return published(deployment);
    },

    async deleteDeployment(id: string): Promise<void> {
      checkName(id, "id");
      const at = ctx.clock.now();
      const now = at.toISOString();
      const cancelled = await database.writeTransaction(async (trx) => {
        const deployment = await load(trx, { id });
        await deleteUnstartedScheduleRuns(trx, { deploymentId: id }, now);
        const changed = await cancelWaitingDeploymentRuns(trx, database, id, `${deployment.flowName}/${deployment.name}`, at);
        await trx.deleteFrom("deployment_schedules").where("deployment_id", "=", id).execute();
        await trx.deleteFrom("deployments").where("id", "=", id).execute();
        await appendEvents(trx, [deploymentEvent("deleted", deployment)], at);
        return changed;
      });
      for (const row of cancelled) ctx.events.publish({ kind: "flow-run", flowRun: flowRunFromRow(row) });
    },

    async createDeploymentFlowRun(deploymentId: string, input?: CreateDeploymentFlowRunInput): Promise<FlowRun> {
      return createDeploymentFlowRun(ctx, deploymentId, input);
    },

    async createDeploymentSchedule(deploymentId: string, input: ScheduleInput, options: DeploymentChangeOptions = {}): Promise<DeploymentSchedule> {
      checkName(deploymentId, "deploymentId");
      const author = checkAuthor(options.author);
      const compiled = compileScheduleInput(input, "schedule");
      const now = ctx.clock.now().toISOString();
      const row = newScheduleRow(deploymentId, compiled, now);
      await database.writeTransaction(async (trx) => {
        const deployment = await load(trx, { id: deploymentId });
        await trx.insertInto("deployment_schedules").values(row).execute();
        await appendEvents(trx, [scheduleEvent("created", deploymentScheduleFromRow(row), deployment)], new Date(now));
        await versioned(trx, deploymentId, { author, now, entrypointHash: undefined });
      });
      return deploymentScheduleFromRow(row);
    },

    async updateDeploymentSchedule(deploymentId: string, scheduleId: string, patch: Partial<ScheduleInput>, options: DeploymentChangeOptions = {}): Promise<DeploymentSchedule> {
      checkName(deploymentId, "deploymentId");
      const author = checkAuthor(options.author);
      checkName(scheduleId, "scheduleId");
      checkObject(patch, "patch");
      const now = ctx.clock.now().toISOString();
      return database.writeTransaction(async (trx) => {
        const row = await trx.selectFrom("deployment_schedules").selectAll().where("id", "=", scheduleId).where("deployment_id", "=", deploymentId).executeTakeFirst();
        if (!row) throw WeirError.notFound("deployment schedule", scheduleId);
        const current = deploymentScheduleFromRow(row);
        const merged = compileScheduleInput(
          {
            schedule: patch.schedule ?? current.schedule,
            parameters: patch.parameters ?? current.parameters,
            isActive: patch.isActive ?? current.isActive,
            catchup: patch.catchup === undefined ? current.catchup : patch.catchup,
            catchupWindow: patch.catchupWindow === undefined ? current.catchupWindow : patch.catchupWindow,
            overlap: patch.overlap === undefined ? current.overlap : patch.overlap,
          },
          "schedule",
        );
        if (scheduleKey(merged) !== scheduleKey(current)) await deleteUnstartedScheduleRuns(trx, { scheduleIds: [scheduleId] }, now);
        const updated = { ...row, schedule: toJsonColumn(merged.schedule), parameters: toJsonColumn(merged.parameters), is_active: merged.isActive ? 1 : 0, ...policyColumns(merged), updated_at: now };
        await trx.updateTable("deployment_schedules").set(updated).where("id", "=", scheduleId).execute();
        const schedule = deploymentScheduleFromRow(updated);
        const changed = changedFields(current, schedule);
        if (changed.length > 0) await appendEvents(trx, [scheduleEvent("updated", schedule, await load(trx, { id: deploymentId }), { changed })], new Date(now));
        await versioned(trx, deploymentId, { author, now, entrypointHash: undefined });
        return schedule;
      });
    },

    async deleteDeploymentSchedule(deploymentId: string, scheduleId: string, options: DeploymentChangeOptions = {}): Promise<void> {
      checkName(deploymentId, "deploymentId");
      const author = checkAuthor(options.author);
      checkName(scheduleId, "scheduleId");
      const now = ctx.clock.now().toISOString();
      await database.writeTransaction(async (trx) => {
        const row = await trx.selectFrom("deployment_schedules").selectAll().where("id", "=", scheduleId).where("deployment_id", "=", deploymentId).executeTakeFirst();
        if (!row) throw WeirError.notFound("deployment schedule", scheduleId);
        await deleteUnstartedScheduleRuns(trx, { scheduleIds: [scheduleId] }, now);
        await trx.deleteFrom("deployment_schedules").where("id", "=", scheduleId).execute();
        await appendEvents(trx, [scheduleEvent("deleted", deploymentScheduleFromRow(row), await load(trx, { id: deploymentId }))], new Date(now));
        await versioned(trx, deploymentId, { author, now, entrypointHash: undefined });
      });
    },

    async listDeploymentVersions(deploymentId: string, page?: PageRequest): Promise<Page<DeploymentVersion>> {
      checkName(deploymentId, "deploymentId");
      return listDeploymentVersions(db, deploymentId, page);
    },

    async readDeploymentVersion(deploymentId: string, version: number): Promise<DeploymentVersion> {
      checkName(deploymentId, "deploymentId");
      return readDeploymentVersion(db, deploymentId, checkVersionNumber(version));
    },

    async rollbackDeployment(deploymentId: string, version: number, options: DeploymentChangeOptions = {}): Promise<Deployment> {
      checkName(deploymentId, "deploymentId");
      const author = checkAuthor(options.author);
      const target = await readDeploymentVersion(db, deploymentId, checkVersionNumber(version));
      const current = await load(db, { id: deploymentId });
      const { spec } = target;
      // A schedule that is still there keeps its active flag (a paused one stays paused); one the rollback brings back is active.
      const schedules = spec.schedules.map((schedule) => {
        const stored = current.schedules.find((s) => scheduleKey(s) === scheduleKey(schedule));
        return { ...schedule, ...(stored ? {} : { isActive: true }) };
      });
      return upsert(
        {
          ...spec,
          name: current.name,
          flowName: current.flowName,
          isPaused: current.isPaused,
          schedules,
        },
        // A rollback restores the spec, not a file's content: the same entrypoint keeps the hash last seen.
        { author, rolledBackFrom: target.version, entrypointHash: spec.entrypoint === current.entrypoint ? undefined : target.entrypointHash },
      );
    },
  };
}

