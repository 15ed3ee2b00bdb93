/** Picks the leader election that fits a database (see leadership.ts). */
import type { WeirDatabase } from "../db/weir-database.js";
import { createPostgresClientLeadership } from "./client-advisory-lock-leadership.js";
import { soleLeadership, type Leadership } from "./leadership.js";
import { createAdvisoryLockLeadership } from "./pooled-advisory-lock-leadership.js";

/**
 * The right leadership for a database: advisory locks where supported (on a client of its own
 * when `databaseUrl` is given), else always leader.
 */
export function createLeadership(database: WeirDatabase, databaseUrl?: string): Leadership {
  if (!database.capabilities.supportsAdvisoryLocks) return soleLeadership;
  return databaseUrl && /^postgres(ql)?:\/\//.test(databaseUrl) ? createPostgresClientLeadership(databaseUrl) : createAdvisoryLockLeadership(database);
}
