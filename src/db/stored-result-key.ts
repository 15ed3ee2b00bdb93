/**
 * The key of the stored result a state JSON column refers to (`state.result.storageKey`), as SQL.
 * Migration 008 indexes exactly this expression on `task_runs.state` and `flow_runs.state`, so
 * "which runs refer to result K" is an index lookup; a query must use the same text to be
 * answered from the index (the JSON path is literal SQL, never a parameter, for that reason).
 */
import { sql, type RawBuilder } from "kysely";

/** `state.result.storageKey` of a JSON column, in the dialect's own spelling (null when absent). */
export function storedResultKeySql(dialect: "sqlite" | "postgres", column: string): RawBuilder<string | null> {
  return dialect === "postgres"
    ? sql<string | null>`(${sql.ref(column)} -> 'result' ->> 'storageKey')`
    : sql<string | null>`json_extract(${sql.ref(column)}, '$.result.storageKey')`;
}
