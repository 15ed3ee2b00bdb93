/**
 * Results in the `server` store (the `results` table) live as long as a run refers to them. A
 * run refers to a result when its current state's `result.storageKey` names it: the run that
 * computed it, and every later run that took it from the cache (state Cached, same key) or
 * reused it on a retry. So a cache entry, being a task run, goes with its run, and a result goes
 * with the last run that refers to it. Both questions are index lookups (migration 008):
 * "which results do these runs refer to" by run id, "does any run still refer to K" by key.
 */
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../../db/schema.js";
import type { DialectSql } from "../../db/weir-database.js";

const CHUNK = 500;

/** The stored-result keys these flow runs refer to: their states (history included) and their task runs'. */
export async function resultKeysOfFlowRuns(trx: Kysely<DatabaseSchema>, dialectSql: DialectSql, flowRunIds: readonly string[]): Promise<string[]> {
  if (flowRunIds.length === 0) return [];
  const ids = [...flowRunIds];
  const rows = await trx
    .selectFrom("flow_runs")
    .select(dialectSql.storedResultKey("state").as("key"))
    .where("id", "in", ids)
    .union(trx.selectFrom("flow_run_states").select(dialectSql.storedResultKey("state").as("key")).where("flow_run_id", "in", ids))
    .union(trx.selectFrom("task_runs").select(dialectSql.storedResultKey("state").as("key")).where("flow_run_id", "in", ids))
    .execute();
  return keysOf(rows);
}

/** The stored-result keys these task runs refer to. */
export async function resultKeysOfTaskRuns(trx: Kysely<DatabaseSchema>, dialectSql: DialectSql, taskRunIds: readonly string[]): Promise<string[]> {
  if (taskRunIds.length === 0) return [];
  const rows = await trx.selectFrom("task_runs").select(dialectSql.storedResultKey("state").as("key")).where("id", "in", [...taskRunIds]).execute();
  return keysOf(rows);
}

/** Which of these keys some run's current state refers to (two index lookups per chunk of keys). */
export async function referencedResultKeys(trx: Kysely<DatabaseSchema>, dialectSql: DialectSql, keys: readonly string[]): Promise<Set<string>> {
  const referenced = new Set<string>();
  for (let start = 0; start < keys.length; start += CHUNK) {
    const chunk = keys.slice(start, start + CHUNK);
    const key = dialectSql.storedResultKey("state");
    const rows = await trx
      .selectFrom("task_runs")
      .select(key.as("key"))
      .where(key, "in", chunk)
      .union(trx.selectFrom("flow_runs").select(key.as("key")).where(key, "in", chunk))
      .execute();
    for (const row of rows) if (row.key !== null) referenced.add(row.key);
  }
  return referenced;
}

/** Delete the `results` rows of these keys that no run refers to any more; returns how many went. */
export async function deleteUnreferencedResults(trx: Kysely<DatabaseSchema>, dialectSql: DialectSql, keys: readonly string[]): Promise<number> {
  if (keys.length === 0) return 0;
  const referenced = await referencedResultKeys(trx, dialectSql, keys);
  const unreferenced = keys.filter((key) => !referenced.has(key));
  let deleted = 0;
  for (let start = 0; start < unreferenced.length; start += CHUNK) {
    const result = await trx.deleteFrom("results").where("key", "in", unreferenced.slice(start, start + CHUNK)).executeTakeFirst();
    deleted += Number(result.numDeletedRows);
  }
  return deleted;
}

function keysOf(rows: ReadonlyArray<{ key: string | null }>): string[] {
  return [...new Set(rows.map((row) => row.key).filter((key): key is string => key !== null))];
}
