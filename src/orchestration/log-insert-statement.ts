/**
 * PostgreSQL's log append in one statement: the lock that makes log ids visible in increasing
 * order (see log-service.ts) and the insert of every line, in one round trip and one implicit
 * transaction instead of four (begin, lock, insert, commit). A run's last log line is written
 * once per run, so on the hot path those round trips were a third of a trivial run's statements.
 *
 * The lock is taken by an uncorrelated scalar subquery, which the executor evaluates once as a
 * one-time filter before it reads the first line, so no id is drawn before the lock is held; it is
 * held until the statement commits. (Not `exists (select pg_advisory_xact_lock(…))`: PostgreSQL
 * drops the select list of an `exists` subquery, and the lock is never taken.) The
 * lines are read from one JSON document in order (so ids follow it) and the statement text is the
 * same for any number of lines (kept prepared). Run on the pool, it is a transaction of its own;
 * run in a transaction (a batch of several chunks), the lock is held until that commits.
 */
import { CompiledQuery, type Kysely, type Selectable } from "kysely";
import { toJsonText } from "../db/json-column.js";
import { markPrepared } from "../db/prepared-statements.js";
import type { DatabaseSchema, LogTable } from "../db/schema.js";

type LogRow = Selectable<LogTable>;

const INSERT_LOGS_SQL = markPrepared(
  `insert into "logs" ("flow_run_id", "task_run_id", "worker_id", "level", "level_rank", "name", "message", "timestamp") ` +
    `select x."flow_run_id", x."task_run_id", x."worker_id", x."level", x."level_rank", x."name", x."message", x."timestamp" ` +
    `from jsonb_to_recordset(cast($1 as jsonb)) as x("flow_run_id" text, "task_run_id" text, "worker_id" text, "level" text, "level_rank" integer, "name" text, "message" text, "timestamp" text) ` +
    `where (select 1 from pg_advisory_xact_lock(hashtext(current_schema() || '.logs'))) = 1 ` +
    `returning *`,
);

/** Insert `rows` in their order with the log lock held; the stored rows. */
export async function insertLogsLocked(db: Kysely<DatabaseSchema>, rows: ReadonlyArray<Omit<LogRow, "id">>): Promise<LogRow[]> {
  return (await db.executeQuery<LogRow>(CompiledQuery.raw(INSERT_LOGS_SQL, [toJsonText(rows)]))).rows;
}
