/**
 * Statements the server should keep prepared. A hot statement (one shape run thousands of times:
 * create a flow run, apply a state) is marked by a leading SQL comment; the PostgreSQL pool then
 * sends it as a named prepared statement, parsed and planned once per connection instead of on
 * every call (half the server's CPU for such a statement). Unmarked statements stay unnamed, so
 * the set of prepared statements per connection is small and fixed. The mark is a plain comment:
 * any dialect that does not look for it runs the statement unchanged.
 */
import { createHash } from "node:crypto";

const MARK = "/* weir:prepared */ ";
// Names of the marked statements seen (a fixed, small set: one per hot statement shape).
const names = new Map<string, string>();

/** `sql` marked to be kept prepared. */
export function markPrepared(sql: string): string {
  return sql.startsWith(MARK) ? sql : `${MARK}${sql}`;
}

/** The statement name to prepare a marked `sql` under, or null when it is not marked. */
export function preparedStatementName(sql: string): string | null {
  if (!sql.startsWith(MARK)) return null;
  let name = names.get(sql);
  if (name === undefined) {
    name = `weir_${createHash("sha1").update(sql).digest("hex").slice(0, 24)}`;
    names.set(sql, name);
  }
  return name;
}
