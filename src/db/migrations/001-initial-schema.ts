/**
 * 001: every table of Weir (see src/db/schema.ts for the conventions), the indexes for listing
 * runs by state, time, flow and deployment, the unique (deployment_id, idempotency_key) on flow
 * runs, and the default work pool `default` (type process) with its queue `default`.
 */
import { sql, type CreateTableBuilder, type Kysely } from "kysely";
import type { Migration, MigrationTypes } from "../migration.js";
import type { DatabaseSchema } from "../schema.js";

type Db = Kysely<DatabaseSchema>;

function timestamps<T extends string, C extends string>(table: CreateTableBuilder<T, C>) {
  return table.addColumn("created_at", "text", (col) => col.notNull()).addColumn("updated_at", "text", (col) => col.notNull());
}

function autoIncrementColumn<T extends string, C extends string>(table: CreateTableBuilder<T, C>, name: string, types: MigrationTypes) {
  return types.dialect === "postgres"
    ? table.addColumn(name, "bigint", (col) => col.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn(name, "integer", (col) => col.primaryKey().autoIncrement());
}

async function createIndexes(db: Db, table: string, indexes: Record<string, string[]>, unique = false): Promise<void> {
  for (const [name, columns] of Object.entries(indexes)) {
    let builder = db.schema.createIndex(name).on(table).columns(columns);
    if (unique) builder = builder.unique();
    await builder.execute();
  }
}

async function createRunTables(db: Db, types: MigrationTypes): Promise<void> {
  await timestamps(
    db.schema
      .createTable("flows")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull().unique())
      .addColumn("description", "text")
      .addColumn("version", "text")
      .addColumn("parameter_schema", types.json)
      .addColumn("tags", types.json, (col) => col.notNull()),
  ).execute();

  await timestamps(
    db.schema
      .createTable("flow_runs")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("flow_id", "text", (col) => col.notNull())
      .addColumn("flow_name", "text", (col) => col.notNull())
      .addColumn("deployment_id", "text")
      .addColumn("deployment_name", "text")
      .addColumn("parent_flow_run_id", "text")
      .addColumn("parent_task_run_id", "text")
      .addColumn("parameters", types.json, (col) => col.notNull())
      .addColumn("tags", types.json, (col) => col.notNull())
      .addColumn("state", types.json, (col) => col.notNull())
      .addColumn("state_id", "text", (col) => col.notNull())
      .addColumn("state_type", "text", (col) => col.notNull())
      .addColumn("state_name", "text", (col) => col.notNull())
      .addColumn("state_timestamp", "text", (col) => col.notNull())
      .addColumn("run_count", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("retry_policy", types.json, (col) => col.notNull())
      .addColumn("expected_start_time", "text", (col) => col.notNull())
      .addColumn("next_scheduled_start_time", "text")
      .addColumn("start_time", "text")
      .addColumn("end_time", "text")
      .addColumn("total_run_time_ms", types.bigint, (col) => col.notNull().defaultTo(0))
      .addColumn("work_pool_name", "text")
      .addColumn("work_queue_name", "text")
      .addColumn("worker_id", "text")
      .addColumn("worker_name", "text")
      .addColumn("heartbeat_at", "text")
      .addColumn("heartbeat_interval_seconds", "integer")
      .addColumn("infrastructure_pid", "text")
      .addColumn("idempotency_key", "text")
      .addColumn("schedule_id", "text"),
  ).execute();
  await createIndexes(db, "flow_runs", {
    flow_runs_expected_start_idx: ["expected_start_time", "id"],
    flow_runs_created_idx: ["created_at", "id"],
    flow_runs_state_type_idx: ["state_type", "expected_start_time", "id"],
    flow_runs_state_name_idx: ["state_name", "expected_start_time", "id"],
    flow_runs_due_idx: ["state_type", "next_scheduled_start_time"],
    flow_runs_flow_name_idx: ["flow_name", "expected_start_time", "id"],
    flow_runs_deployment_idx: ["deployment_id", "expected_start_time", "id"],
    flow_runs_queue_idx: ["work_pool_name", "work_queue_name", "state_type", "next_scheduled_start_time"],
    flow_runs_parent_idx: ["parent_flow_run_id"],
    flow_runs_heartbeat_idx: ["state_type", "heartbeat_at"],
  });
  await createIndexes(db, "flow_runs", { flow_runs_idempotency_idx: ["deployment_id", "idempotency_key"] }, true);

  await autoIncrementColumn(db.schema.createTable("flow_run_states"), "seq", types)
    .addColumn("id", "text", (col) => col.notNull().unique())
    .addColumn("flow_run_id", "text", (col) => col.notNull().references("flow_runs.id").onDelete("cascade"))
    .addColumn("type", "text", (col) => col.notNull())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("timestamp", "text", (col) => col.notNull())
    .addColumn("state", types.json, (col) => col.notNull())
    .execute();
  await createIndexes(db, "flow_run_states", { flow_run_states_run_idx: ["flow_run_id", "seq"] });

  await db.schema
    .createTable("flow_run_transitions")
    .addColumn("flow_run_id", "text", (col) => col.notNull().references("flow_runs.id").onDelete("cascade"))
    .addColumn("transition_id", "text", (col) => col.notNull())
    .addColumn("result", types.json, (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("flow_run_transitions_pk", ["flow_run_id", "transition_id"])
    .execute();

  await timestamps(
    db.schema
      .createTable("task_runs")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("flow_run_id", "text")
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("task_key", "text", (col) => col.notNull())
      .addColumn("dynamic_key", "text", (col) => col.notNull())
      .addColumn("tags", types.json, (col) => col.notNull())
      .addColumn("inputs", types.json)
      .addColumn("cache_key", "text")
      .addColumn("cache_expiration", "text")
      .addColumn("state", types.json, (col) => col.notNull())
      .addColumn("state_id", "text", (col) => col.notNull())
      .addColumn("state_type", "text", (col) => col.notNull())
      .addColumn("state_name", "text", (col) => col.notNull())
      .addColumn("state_timestamp", "text", (col) => col.notNull())
      .addColumn("run_count", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("retry_policy", types.json, (col) => col.notNull())
      .addColumn("expected_start_time", "text")
      .addColumn("start_time", "text")
      .addColumn("end_time", "text")
      .addColumn("total_run_time_ms", types.bigint, (col) => col.notNull().defaultTo(0))
      .addColumn("subflow_run_id", "text"),
  ).execute();
  await createIndexes(db, "task_runs", { task_runs_flow_run_idx: ["flow_run_id", "expected_start_time", "id"] });
  // Partial: only cached tasks pay for this index.
  await db.schema.createIndex("task_runs_cache_idx").on("task_runs").columns(["cache_key", "end_time"]).where(sql.ref("cache_key"), "is not", null).execute();

  // The hottest table (3+ rows per task): no foreign key, no AUTOINCREMENT bookkeeping, and one
  // index that serves both idempotent inserts (task_run_id, id) and reading a run's history.
  await (types.dialect === "postgres"
    ? db.schema.createTable("task_run_states").addColumn("seq", "bigint", (col) => col.primaryKey().generatedByDefaultAsIdentity())
    : db.schema.createTable("task_run_states").addColumn("seq", "integer", (col) => col.primaryKey())
  )
    .addColumn("id", "text", (col) => col.notNull())
    .addColumn("task_run_id", "text", (col) => col.notNull())
    .addColumn("type", "text", (col) => col.notNull())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("timestamp", "text", (col) => col.notNull())
    .addColumn("state", types.json, (col) => col.notNull())
    .execute();
  await createIndexes(db, "task_run_states", { task_run_states_run_idx: ["task_run_id", "id"] }, true);
}

async function createRecordTables(db: Db, types: MigrationTypes): Promise<void> {
  await autoIncrementColumn(db.schema.createTable("logs"), "id", types)
    .addColumn("flow_run_id", "text")
    .addColumn("task_run_id", "text")
    .addColumn("worker_id", "text")
    .addColumn("level", "text", (col) => col.notNull())
    .addColumn("level_rank", "integer", (col) => col.notNull())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("message", "text", (col) => col.notNull())
    .addColumn("timestamp", "text", (col) => col.notNull())
    .execute();
  await createIndexes(db, "logs", {
    logs_flow_run_idx: ["flow_run_id", "id"],
    logs_task_run_idx: ["task_run_id", "id"],
    logs_worker_idx: ["worker_id", "id"],
    logs_timestamp_idx: ["timestamp"],
  });

  await timestamps(
    db.schema
      .createTable("artifacts")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("key", "text")
      .addColumn("type", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("data", types.json, (col) => col.notNull())
      .addColumn("flow_run_id", "text")
      .addColumn("task_run_id", "text"),
  ).execute();
  await createIndexes(db, "artifacts", {
    artifacts_flow_run_idx: ["flow_run_id", "created_at"],
    artifacts_task_run_idx: ["task_run_id", "created_at"],
    artifacts_key_idx: ["key", "created_at"],
  });

  await timestamps(
    db.schema
      .createTable("variables")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull().unique())
      .addColumn("value", types.json, (col) => col.notNull())
      .addColumn("tags", types.json, (col) => col.notNull()),
  ).execute();

  await timestamps(
    db.schema
      .createTable("concurrency_limits")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("tag", "text", (col) => col.notNull().unique())
      .addColumn("slot_limit", "integer", (col) => col.notNull()),
  ).execute();

  await db.schema
    .createTable("concurrency_leases")
    .addColumn("id", "text", (col) => col.notNull())
    .addColumn("tag", "text", (col) => col.notNull())
    .addColumn("holder_id", "text", (col) => col.notNull())
    .addColumn("expires_at", "text", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .addPrimaryKeyConstraint("concurrency_leases_pk", ["id", "tag"])
    .execute();
  await createIndexes(db, "concurrency_leases", { concurrency_leases_tag_idx: ["tag", "expires_at"] });
}

async function createDeploymentTables(db: Db, types: MigrationTypes): Promise<void> {
  await timestamps(
    db.schema
      .createTable("work_pools")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull().unique())
      .addColumn("type", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("is_paused", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("concurrency_limit", "integer"),
  ).execute();

  await timestamps(
    db.schema
      .createTable("work_queues")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("work_pool_id", "text", (col) => col.notNull().references("work_pools.id").onDelete("cascade"))
      .addColumn("work_pool_name", "text", (col) => col.notNull())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("priority", "integer", (col) => col.notNull().defaultTo(1))
      .addColumn("concurrency_limit", "integer")
      .addColumn("is_paused", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("last_polled_at", "text"),
  ).execute();
  await createIndexes(db, "work_queues", { work_queues_pool_name_idx: ["work_pool_id", "name"] }, true);

  await db.schema
    .createTable("workers")
    .addColumn("id", "text", (col) => col.primaryKey())
    .addColumn("name", "text", (col) => col.notNull())
    .addColumn("work_pool_id", "text", (col) => col.notNull().references("work_pools.id").onDelete("cascade"))
    .addColumn("work_pool_name", "text", (col) => col.notNull())
    .addColumn("last_heartbeat_at", "text", (col) => col.notNull())
    .addColumn("heartbeat_interval_seconds", "integer", (col) => col.notNull())
    .addColumn("created_at", "text", (col) => col.notNull())
    .execute();
  await createIndexes(db, "workers", { workers_pool_name_idx: ["work_pool_id", "name"] }, true);

  await timestamps(
    db.schema
      .createTable("deployments")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("name", "text", (col) => col.notNull())
      .addColumn("flow_id", "text", (col) => col.notNull())
      .addColumn("flow_name", "text", (col) => col.notNull())
      .addColumn("description", "text")
      .addColumn("version", "text")
      .addColumn("entrypoint", "text", (col) => col.notNull())
      .addColumn("path", "text")
      .addColumn("parameters", types.json, (col) => col.notNull())
      .addColumn("parameter_schema", types.json)
      .addColumn("tags", types.json, (col) => col.notNull())
      .addColumn("work_pool_name", "text", (col) => col.notNull())
      .addColumn("work_queue_name", "text", (col) => col.notNull())
      .addColumn("is_paused", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("concurrency_limit", "integer")
      .addColumn("collision_strategy", "text", (col) => col.notNull().defaultTo("ENQUEUE"))
      .addColumn("job_variables", types.json, (col) => col.notNull())
      .addColumn("is_served", "integer", (col) => col.notNull().defaultTo(0))
      .addColumn("last_polled_at", "text"),
  ).execute();
  await createIndexes(db, "deployments", { deployments_flow_name_idx: ["flow_id", "name"] }, true);
  await createIndexes(db, "deployments", { deployments_pool_idx: ["work_pool_name"] });

  await timestamps(
    db.schema
      .createTable("deployment_schedules")
      .addColumn("id", "text", (col) => col.primaryKey())
      .addColumn("deployment_id", "text", (col) => col.notNull().references("deployments.id").onDelete("cascade"))
      .addColumn("schedule", types.json, (col) => col.notNull())
      .addColumn("parameters", types.json, (col) => col.notNull())
      .addColumn("is_active", "integer", (col) => col.notNull().defaultTo(1)),
  ).execute();
  await createIndexes(db, "deployment_schedules", { deployment_schedules_deployment_idx: ["deployment_id"] });
}

async function seedDefaultWorkPool(db: Db): Promise<void> {
  const now = new Date().toISOString();
  const poolId = crypto.randomUUID();
  await db
    .insertInto("work_pools")
    .values({ id: poolId, name: "default", type: "process", description: "Default work pool", is_paused: 0, concurrency_limit: null, created_at: now, updated_at: now })
    .execute();
  await db
    .insertInto("work_queues")
    .values({
      id: crypto.randomUUID(),
      work_pool_id: poolId,
      work_pool_name: "default",
      name: "default",
      description: "Default queue",
      priority: 1,
      concurrency_limit: null,
      is_paused: 0,
      last_polled_at: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** Migration 001. */
export const initialSchema: Migration = {
  name: "001-initial-schema",
  async up(db, types) {
    await createRunTables(db, types);
    await createRecordTables(db, types);
    await createDeploymentTables(db, types);
    await seedDefaultWorkPool(db);
  },
};
