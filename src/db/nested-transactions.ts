/**
 * Joining an enclosing write transaction: a `writeTransaction` called (in the same async context)
 * from inside another runs in the outer one instead of waiting for a second connection, which
 * on SQLite's single connection (or a drained pool) would wait forever.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "./schema.js";

type Transaction = Kysely<DatabaseSchema>;

/** Wrap a dialect's `begin` so nested calls join the outer transaction. */
export function joinNestedTransactions(
  begin: <T>(fn: (trx: Transaction) => Promise<T>) => Promise<T>,
): <T>(fn: (trx: Transaction) => Promise<T>) => Promise<T> {
  const current = new AsyncLocalStorage<Transaction>();
  return (fn) => {
    const outer = current.getStore();
    if (outer !== undefined) return fn(outer);
    return begin((trx) => current.run(trx, () => fn(trx)));
  };
}
