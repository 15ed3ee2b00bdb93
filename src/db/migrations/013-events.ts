/**
 * 013: stored events (issue 14). `events` holds one row per event, in `seq` order; its related
 * resources (flow, deployment, work pool, tags, …) are rows of `event_related`, so a query by a
 * related id or tag reads an index on both engines.
 *
 * A flow run's state changes are recorded by a trigger on `flow_run_states`: every inserted
 * state row (and only those; a state skipped by `on conflict do nothing` fires nothing) adds the
 * event `flow-run.<state name>` in the same statement, so each state change has exactly one
 * event whichever path wrote it (claims, batched hot-path statements, maintenance, backfills).
 * Its id is the state's id. (On PostgreSQL, migration 023 replaces this row trigger by a
 * statement trigger that does the same for all of a statement's states at once.) Other events
 * are inserted by the services (src/orchestration/append-events.ts) inside their own transactions.
 *
 * `tx` (PostgreSQL only; 0 on SQLite) is the id of the transaction that wrote the event. A
 * follower reads events in `(tx, seq)` order and only those of transactions older than every
 * transaction still running (`pg_snapshot_xmin`), so a transaction that took a lower `seq` but
 * commits later is never skipped (src/orchestration/event-query.ts). SQLite has one writer at a
 * time, so its `seq` order is its commit order.
 *
 * `workers.reported_status` and `work_pools.reported_status` remember the status last reported
 * as an event (`worker.online`/`worker.offline`, `work-pool.healthy`/`work-pool.unhealthy`), so
 * each change is reported once (src/orchestration/worker-status-events.ts).
 *
 * Events outlive the runs they describe (no foreign keys); the retention service deletes them by
 * age (`occurred`).
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";
import { runRelatedRowsSql } from "./run-related-rows-sql.js";

const SQLITE_TRIGGER = `create trigger events_on_flow_run_state after insert on flow_run_states begin
  insert into events (id, occurred, event, resource_id, resource_kind, resource_name, payload)
    select new.id, new.timestamp, 'flow-run.' || new.name, r.id, 'flow-run', r.name,
      json_object('state', json_object('id', new.id, 'type', new.type, 'name', new.name, 'message', json_extract(new.state, '$.message')))
    from flow_runs r where r.id = new.flow_run_id;
  insert or ignore into event_related (seq, kind, related_id, name)
    select e.seq, x.kind, x.related_id, x.name from (select max(seq) as seq from events) e, (
      select 'flow' as kind, r.flow_id as related_id, r.flow_name as name from flow_runs r where r.id = new.flow_run_id
      union all select 'deployment', r.deployment_id, r.deployment_name from flow_runs r where r.id = new.flow_run_id and r.deployment_id is not null
      union all select 'work-pool', r.work_pool_name, r.work_pool_name from flow_runs r where r.id = new.flow_run_id and r.work_pool_name is not null
      union all select 'flow-run', r.parent_flow_run_id, null from flow_runs r where r.id = new.flow_run_id and r.parent_flow_run_id is not null
      union all select 'tag', t.value, t.value from flow_runs r, json_each(r.tags) t where r.id = new.flow_run_id and r.tags <> '[]' and t.type = 'text'
    ) x;
end`;

const POSTGRES_FUNCTION = `create function weir_flow_run_state_event() returns trigger language plpgsql as $$
declare
  r record;
  event_seq bigint;
begin
  select f.id, f.name, f.flow_id, f.flow_name, f.deployment_id, f.deployment_name, f.work_pool_name, f.parent_flow_run_id, f.tags
    into r from flow_runs f where f.id = new.flow_run_id;
  if not found then
    return null;
  end if;
  insert into events (id, occurred, event, resource_id, resource_kind, resource_name, payload)
    values (new.id, new.timestamp, 'flow-run.' || new.name, r.id, 'flow-run', r.name,
      jsonb_build_object('state', jsonb_build_object('id', new.id, 'type', new.type, 'name', new.name, 'message', new.state -> 'message')))
    returning seq into event_seq;
  insert into event_related (seq, kind, related_id, name)
    select event_seq, x.kind, x.related_id, x.name from (
      ${runRelatedRowsSql("r")}
    ) x
    on conflict do nothing;
  return null;
end $$`;

/** Migration 013. */
export const events: Migration = {
  name: "013-events",
  async up(db, types) {
    const isPostgres = types.dialect === "postgres";
    let table = db.schema.createTable("events");
    table = isPostgres
      ? table.addColumn("seq", "bigint", (col) => col.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn("seq", "integer", (col) => col.primaryKey().autoIncrement());
    await table
      .addColumn("id", "text", (col) => col.notNull())
      .addColumn("occurred", "text", (col) => col.notNull())
      .addColumn("event", "text", (col) => col.notNull())
      .addColumn("resource_id", "text", (col) => col.notNull())
      .addColumn("resource_kind", "text", (col) => col.notNull())
      .addColumn("resource_name", "text")
      .addColumn("payload", types.json, (col) => col.notNull())
      .addColumn("tx", isPostgres ? sql`xid8` : "integer", (col) => col.notNull().defaultTo(isPostgres ? sql`pg_current_xact_id()` : 0))
      .execute();
    await db.schema.createIndex("events_event_idx").on("events").columns(["event", "seq"]).execute();
    await db.schema.createIndex("events_resource_idx").on("events").columns(["resource_id", "seq"]).execute();
    await db.schema.createIndex("events_occurred_idx").on("events").columns(["occurred"]).execute();
    if (isPostgres) await db.schema.createIndex("events_tx_idx").on("events").columns(["tx", "seq"]).execute();

    await db.schema
      .createTable("event_related")
      .addColumn("related_id", "text", (col) => col.notNull())
      .addColumn("seq", types.bigint, (col) => col.notNull())
      .addColumn("kind", "text", (col) => col.notNull())
      .addColumn("name", "text")
      .addPrimaryKeyConstraint("event_related_pk", ["related_id", "seq", "kind"])
      .execute();
    await db.schema.createIndex("event_related_seq_idx").on("event_related").columns(["seq"]).execute();

    await db.schema.alterTable("workers").addColumn("reported_status", "text").execute();
    await db.schema.alterTable("work_pools").addColumn("reported_status", "text").execute();

    if (isPostgres) {
      await sql.raw(POSTGRES_FUNCTION).execute(db);
      await sql.raw(`create trigger events_on_flow_run_state after insert on flow_run_states for each row execute function weir_flow_run_state_event()`).execute(db);
    } else {
      await sql.raw(SQLITE_TRIGGER).execute(db);
    }
  },
};
