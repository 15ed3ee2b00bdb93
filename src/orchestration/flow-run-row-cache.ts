/**
 * The `flow_runs` rows this process wrote last, per database: what lets a state change skip
 * reading (and locking) the row it is about to change.
 *
 * A cached row is only a guess. The write that uses it is guarded (see
 * `applyFlowRunStateToCachedRow` in apply-flow-run-state.ts): it changes the row only where
 * `state_id` and `updated_at` are still the cached ones, which every state change moves. When
 * another process (a replica, a worker, a maintenance loop) changed the run in between, the
 * guarded write touches nothing and the caller takes the locked path. Heartbeats change neither
 * column; the guarded write keeps the stored heartbeat unless the new state sets one.
 *
 * Bounded (least recently written first out); a run that reaches a terminal state leaves the
 * cache, since it rarely changes again.
 */
import type { FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";

/** Rows kept per database. @default 4096 */
export const FLOW_RUN_ROW_CACHE_SIZE = 4096;

/** Recently written flow-run rows of one database, by run id. */
export interface FlowRunRowCache {
  get(id: string): FlowRunTable | undefined;
  /** Remember `row` as the run's latest (terminal runs are forgotten instead). */
  remember(row: FlowRunTable): void;
  forget(id: string): void;
  readonly size: number;
}

const caches = new WeakMap<WeirDatabase, FlowRunRowCache>();

const TERMINAL_TYPES = new Set(["COMPLETED", "FAILED", "CANCELLED", "CRASHED"]);

/** The cache of `database` (one per open database, shared by its services). */
export function flowRunRowCacheOf(database: WeirDatabase): FlowRunRowCache {
  let cache = caches.get(database);
  if (cache === undefined) {
    cache = createFlowRunRowCache(FLOW_RUN_ROW_CACHE_SIZE);
    caches.set(database, cache);
  }
  return cache;
}

/** A new empty cache of at most `maxRows` rows. */
export function createFlowRunRowCache(maxRows: number): FlowRunRowCache {
  const rows = new Map<string, FlowRunTable>();
  return {
    get: (id) => rows.get(id),
    remember(row) {
      rows.delete(row.id);
      if (TERMINAL_TYPES.has(row.state_type)) return;
      rows.set(row.id, row);
      if (rows.size > maxRows) {
        const oldest = rows.keys().next();
        if (oldest.done !== true) rows.delete(oldest.value);
      }
    },
    forget: (id) => void rows.delete(id),
    get size() {
      return rows.size;
    },
  };
}
