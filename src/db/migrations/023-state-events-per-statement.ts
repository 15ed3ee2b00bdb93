/**
 * 023: on PostgreSQL, a flow run's state events are written once per statement instead of once
 * per state row. Migration 013's trigger ran a PL/pgSQL function for every inserted state (three
 * statements each: read the run, insert the event, insert its related rows); the hot path inserts
 * the states of many runs in one statement (flow-run-batch-statements.ts), and that per-row work
 * was most of PostgreSQL's CPU per trivial run. This trigger reads the statement's inserted
 * states as a transition table and writes all their events, then all their related rows, with
 * two set-based statements.
 *
 * What does not change: one event per inserted state (a state skipped by `on conflict do
 * nothing` is not in the transition table), its id is the state's id, events of one statement
 * take `seq` in the states' `seq` order, and they are written in the same transaction. SQLite
 * keeps migration 013's row trigger (SQLite has no statement triggers; its cost there is small).
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";
import { runRelatedRowsSql } from "./run-related-rows-sql.js";

const POSTGRES_FUNCTION = `create function weir_flow_run_states_events() returns trigger language plpgsql as $$
begin
  with added as (
    select s.seq as state_seq, s.id, s.timestamp, s.type, s.name, s.state -> 'message' as message,
      r.id as run_id, r.name as run_name, r.flow_id, r.flow_name, r.deployment_id, r.deployment_name,
      r.work_pool_name, r.parent_flow_run_id, r.tags
    from weir_new_states s join flow_runs r on r.id = s.flow_run_id
  ), inserted as (
    insert into events (id, occurred, event, resource_id, resource_kind, resource_name, payload)
      select a.id, a.timestamp, 'flow-run.' || a.name, a.run_id, 'flow-run', a.run_name,
        jsonb_build_object('state', jsonb_build_object('id', a.id, 'type', a.type, 'name', a.name, 'message', a.message))
      from added a
      order by a.state_seq
      returning seq, id
  )
  insert into event_related (seq, kind, related_id, name)
    select i.seq, x.kind, x.related_id, x.name
    from inserted i join added a on a.id = i.id
    cross join lateral (
      ${runRelatedRowsSql("a")}
    ) x
    on conflict do nothing;
  return null;
end $$`;

/** Migration 023. */
export const stateEventsPerStatement: Migration = {
  name: "023-state-events-per-statement",
  async up(db, types) {
    if (types.dialect !== "postgres") return;
    await sql.raw(POSTGRES_FUNCTION).execute(db);
    await sql.raw(`drop trigger events_on_flow_run_state on flow_run_states`).execute(db);
    await sql.raw(`drop function weir_flow_run_state_event()`).execute(db);
    await sql
      .raw(
        `create trigger events_on_flow_run_states after insert on flow_run_states referencing new table as weir_new_states for each statement execute function weir_flow_run_states_events()`,
      )
      .execute(db);
  },
};
