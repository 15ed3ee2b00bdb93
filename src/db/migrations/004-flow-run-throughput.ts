/**
 * 004: flow-run history rows stop checking their run through a foreign key on PostgreSQL. Every
 * state change inserts history (and a transition record); each foreign-key check is a query of
 * its own inside the server (a quarter of its CPU per trivial flow run). The service layer only
 * writes history for a run row it has just inserted or updated in the same statement, and
 * deletes history explicitly with the run (as task_run_states has always done).
 * SQLite keeps the keys: its checks are in-process and cheap, and dropping a key there means
 * rebuilding the table.
 */
import { sql } from "kysely";
import type { Migration } from "../migration.js";

/** Migration 004. */
export const flowRunThroughput: Migration = {
  name: "004-flow-run-throughput",
  async up(db, types) {
    if (types.dialect !== "postgres") return;
    await sql`alter table flow_run_states drop constraint if exists flow_run_states_flow_run_id_fkey`.execute(db);
    await sql`alter table flow_run_transitions drop constraint if exists flow_run_transitions_flow_run_id_fkey`.execute(db);
  },
};
