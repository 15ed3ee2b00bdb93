/**
 * Lease expiry: a concurrency slot is leased for some seconds and renewed by its holder while it
 * runs (the SDK renews every third of the lease). A lease is released when it runs out (the holder
 * died or stopped renewing) or when the flow run holding it has ended (crash detection marked it
 * Crashed, it was cancelled, or it ended without releasing): the holder is the flow run itself, or
 * a task run of it. Released leases never count towards a limit; this removes them so the table
 * stays small and the dashboard shows only live holders. `acquireConcurrencySlots` applies the
 * same test to the slots of the tags it takes, so a slot frees up as soon as its run has ended.
 */
import type { ExpressionBuilder } from "kysely";
import { TERMINAL_STATE_TYPES } from "../../core/states.js";
import type { DatabaseSchema } from "../../db/schema.js";
import type { OrchestrationContext } from "../orchestration-context.js";

const ENDED_TYPES = [...TERMINAL_STATE_TYPES];

/** The condition on `concurrency_leases` rows that no longer hold a slot at `now` (see the header). */
export function isReleasableLease(eb: ExpressionBuilder<DatabaseSchema, "concurrency_leases">, now: string) {
  return eb.or([
    eb("concurrency_leases.expires_at", "<=", now),
    eb.exists(
      eb
        .selectFrom("flow_runs")
        .select("flow_runs.id")
        .whereRef("flow_runs.id", "=", "concurrency_leases.holder_id")
        .where("flow_runs.state_type", "in", ENDED_TYPES),
    ),
    eb.exists(
      eb
        .selectFrom("task_runs")
        .innerJoin("flow_runs", "flow_runs.id", "task_runs.flow_run_id")
        .select("task_runs.id")
        .whereRef("task_runs.id", "=", "concurrency_leases.holder_id")
        .where("flow_runs.state_type", "in", ENDED_TYPES),
    ),
  ]);
}

/** Delete expired concurrency leases and those of ended flow runs; returns how many slot rows were removed. */
export async function expireConcurrencyLeases(ctx: OrchestrationContext): Promise<number> {
  const now = ctx.clock.now().toISOString();
  const result = await ctx.database.db
    .deleteFrom("concurrency_leases")
    .where((eb) => isReleasableLease(eb, now))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
