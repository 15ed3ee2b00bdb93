/**
 * Leader election for service loops: at most one process runs each named loop at a time.
 *
 * - PostgreSQL (`supportsAdvisoryLocks`): one dedicated connection holds a session-level
 *   advisory lock per loop name (`pg_try_advisory_lock`); whoever holds it leads. A non-leader
 *   tries again on each tick, so when the leader's process dies (its session ends and PostgreSQL
 *   drops the lock) another takes over within one interval. If the connection fails, leadership
 *   is given up and re-acquired on a fresh connection. Given the database URL, the connection is
 *   a `pg.Client` of its own whose errors are handled here; without it, a connection is taken out
 *   of the pool for good (pg cannot report the errors of a checked-out idle connection to us, so
 *   a server restart would then surface as an uncaught error: pass the URL in production).
 * - SQLite (one machine, one file): every process is leader; the work itself is idempotent
 *   (unique idempotency keys, rule-checked state changes).
 */

/** Who leads which loop. */
export interface Leadership {
  /** Whether this process leads the named loop (tries to become leader when nobody does). */
  isLeader(loopName: string): Promise<boolean>;
  /** Give up every lead and release the dedicated connection. */
  release(): Promise<void>;
}

/** Leadership for a single process: always leader. */
export const soleLeadership: Leadership = Object.freeze({
  isLeader: async () => true,
  release: async () => {},
});

/**
 * The 64-bit advisory lock key of a loop (FNV-1a, as a signed bigint string). Locks are
 * database-wide, so the key includes the schema: Weir installs in two schemas of one database
 * (or two test files) elect their leaders independently.
 */
export function advisoryLockKey(loopName: string, schema = "public"): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(`weir:service:${schema}:${loopName}`)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return BigInt.asIntN(64, hash).toString();
}
