/**
 * A deployment's concurrency limit on every way into a slot, not only claims. Claims count the
 * deployment's runs that hold a slot (Pending, Running, Cancelling) before moving a run to
 * Pending (claim-service.ts). A run can also start without a claim: a served runner (`serve()`)
 * and any client proposing Running (or Pending) directly from Scheduled, or a paused run resumed.
 * For those, after the rules accept, this check counts the same way, on the deployment row locked
 * (PostgreSQL) or inside the one writer (SQLite), and when the deployment is full:
 * - ENQUEUE (the default): the run is parked `AwaitingConcurrencySlot` (once; it stays due) and
 *   the answer is WAIT with a few seconds to wait, like the rules' own WAIT: the executor asks
 *   again (a paused run is not parked: it stays Paused, and the resume is refused for now; nor
 *   is an AwaitingRetry run, whose own process asks again);
 * - CANCEL_NEW: the run ends Cancelled with the reason, and the answer is ABORT.
 * Nothing else changes: a run that already holds a slot (Pending → Running after a claim) is not
 * counted twice.
 */
import type { Kysely } from "kysely";
import type { TransitionDecision } from "../core/flow-run-rules.js";
import { makeState, type State, type StateType } from "../core/states.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";

/** State types that hold a concurrency slot (of a deployment, a pool or a queue). */
export const SLOT_HOLDING_STATE_TYPES = ["PENDING", "RUNNING", "CANCELLING"] as const satisfies readonly StateType[];
const SLOT_HOLDING: ReadonlySet<string> = new Set<string>(SLOT_HOLDING_STATE_TYPES);

/** Seconds an executor waits before asking again for a run parked at its deployment's limit. */
export const DEPLOYMENT_SLOT_RETRY_SECONDS = 5;

/** Whether accepting `decision` on `row` would make a deployment's run take a slot it does not hold. */
export function takesDeploymentSlot(row: FlowRunTable, decision: TransitionDecision): boolean {
  if (row.deployment_id === null || decision.status !== "ACCEPT" || SLOT_HOLDING.has(row.state_type)) return false;
  return decision.recorded.some((state) => state.type === "PENDING" || state.type === "RUNNING");
}

/**
 * The decision to apply instead of `decision` when it would take a slot of a full deployment;
 * `decision` itself otherwise (see the file header).
 */
export async function holdAtDeploymentLimit(
  trx: Kysely<DatabaseSchema>,
  database: WeirDatabase | undefined,
  row: FlowRunTable,
  decision: TransitionDecision,
  now: Date,
): Promise<TransitionDecision> {
  if (!takesDeploymentSlot(row, decision) || row.deployment_id === null) return decision;
  let query = trx.selectFrom("deployments").select(["name", "concurrency_limit", "collision_strategy"]).where("id", "=", row.deployment_id);
  if (database?.capabilities.supportsRowLocks) query = query.forUpdate();
  const deployment = await query.executeTakeFirst();
  if (deployment === undefined || deployment.concurrency_limit === null) return decision;
  const limit = Number(deployment.concurrency_limit);
  const { count } = await trx
    .selectFrom("flow_runs")
    .select((eb) => eb.fn.countAll<number>().as("count"))
    .where("deployment_id", "=", row.deployment_id)
    .where("state_type", "in", [...SLOT_HOLDING_STATE_TYPES])
    .where("id", "!=", row.id)
    .executeTakeFirstOrThrow();
  if (Number(count) < limit) return decision;
  const reason = `deployment '${deployment.name}' is at its concurrency limit of ${limit}`;
  if (deployment.collision_strategy === "CANCEL_NEW") {
    const cancelled = makeState("Cancelled", { now, message: `${reason}; collision strategy CANCEL_NEW` });
    return { status: "ABORT", reason: `${reason} (CANCEL_NEW): the run is cancelled`, state: cancelled, recorded: [cancelled] };
  }
  const waitReason = `${reason}; waiting for a slot`;
  const wait = (state: State, recorded: State[]): TransitionDecision => ({ status: "WAIT", reason: waitReason, state, recorded, retryAfterSeconds: DEPLOYMENT_SLOT_RETRY_SECONDS });
  // Parked once. A paused run stays paused (its process waits for the resume), and an AwaitingRetry
  // run keeps its name: while its own process heartbeats, claims leave it to that process.
  if (row.state_name === "AwaitingConcurrencySlot" || row.state_name === "AwaitingRetry" || row.state_type === "PAUSED") {
    return wait(fromJsonColumn<State>(row.state), []);
  }
  const parked = makeState("AwaitingConcurrencySlot", { now, message: waitReason, scheduledTime: row.next_scheduled_start_time ?? now.toISOString() });
  return wait(parked, [parked]);
}
