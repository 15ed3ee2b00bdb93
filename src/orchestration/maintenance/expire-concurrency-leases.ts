/**
 * Lease expiry: a concurrency slot is leased for some seconds and renewed by its holder; when the
 * holder dies the lease runs out. Expired rows already do not count towards a limit; this removes
 * them so the table stays small and the dashboard shows only live holders.
 */
import type { OrchestrationContext } from "../orchestration-context.js";

/** Delete expired concurrency leases; returns how many slot rows were removed. */
export async function expireConcurrencyLeases(ctx: OrchestrationContext): Promise<number> {
  const result = await ctx.database.db
    .deleteFrom("concurrency_leases")
    .where("expires_at", "<=", ctx.clock.now().toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
