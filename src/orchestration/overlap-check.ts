/**
 * A schedule's overlap policy (src/core/schedules/schedule-policies.ts), applied when a run that
 * a schedule created comes due: on its first way into a slot (Scheduled → Pending by a claim, or
 * → Running by a served runner), checked in the same transaction after the rules accept, with
 * the deployment row locked (PostgreSQL) or inside the one writer (SQLite), so two claimers never
 * both see "nothing active". A run is *active* while Pending, Running, Cancelling or Paused. When
 * another run of the same deployment is active:
 * - `allow` (the default): nothing changes;
 * - `skip`: the new run ends Cancelled with the reason (ABORT);
 * - `buffer-one`: the new run is parked `AwaitingConcurrencySlot` (it stays due; the answer is
 *   WAIT and claims try it again) unless another run of the deployment waits so already, in which
 *   case it is skipped like above: at most one run waits behind the active one;
 * - `cancel-other`: the active runs are cancelled (Cancelling, as a user's cancel does; the
 *   caller proposes those states in the same transaction) and the new run goes ahead (the deployment's concurrency limit, checked next, may still park it until
 *   they are gone).
 * Retries and resumed runs are not new slots: only a run with no attempt yet is checked, and
 * runs created by hand (no schedule) are never held back.
 */
import type { Kysely } from "kysely";
import type { TransitionDecision } from "../core/flow-run-rules.js";
import type { OverlapPolicy } from "../core/models.js";
import { makeState, type State } from "../core/states.js";
import { fromJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, FlowRunTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { DEPLOYMENT_SLOT_RETRY_SECONDS, takesDeploymentSlot } from "./deployment-slot-check.js";

type Trx = Kysely<DatabaseSchema>;

/** State types of an active run, for overlap (a paused run still holds its place). */
export const OVERLAP_ACTIVE_STATE_TYPES = ["PENDING", "RUNNING", "CANCELLING", "PAUSED"] as const;

/** A state to propose to another run (cancel-other). */
export interface OtherRunChange {
  id: string;
  state: State;
}

/** The decision to apply instead of `decision`, and the states to propose to other runs (cancel-other). */
export interface OverlapOutcome {
  decision: TransitionDecision;
  otherRunChanges: OtherRunChange[];
}

/** Whether `decision` on `row` is a scheduled slot coming due (the only case the policy governs). */
function isSlotComingDue(row: FlowRunTable, decision: TransitionDecision): boolean {
  return row.schedule_id !== null && row.state_type === "SCHEDULED" && Number(row.run_count) === 0 && takesDeploymentSlot(row, decision);
}

async function readOverlapPolicy(trx: Trx, row: FlowRunTable): Promise<{ name: string; overlap: OverlapPolicy } | null> {
  const deployment = await trx.selectFrom("deployments").select(["name", "overlap"]).where("id", "=", row.deployment_id ?? "").executeTakeFirst();
  if (deployment === undefined) return null;
  const schedule = await trx.selectFrom("deployment_schedules").select("overlap").where("id", "=", row.schedule_id ?? "").executeTakeFirst();
  return { name: deployment.name, overlap: (schedule?.overlap ?? deployment.overlap) as OverlapPolicy };
}

/** Apply the overlap policy of `row`'s schedule to `decision` (see the file header). */
export async function applyOverlapPolicy(trx: Trx, database: WeirDatabase | undefined, row: FlowRunTable, decision: TransitionDecision, now: Date): Promise<OverlapOutcome> {
  const unchanged: OverlapOutcome = { decision, otherRunChanges: [] };
  if (!isSlotComingDue(row, decision)) return unchanged;
  const deployment = await readOverlapPolicy(trx, row);
  if (deployment === null || deployment.overlap === "allow") return unchanged;
  // Checking then starting must not interleave between two claimers of one deployment.
  if (database?.capabilities.supportsRowLocks) await trx.selectFrom("deployments").select("id").where("id", "=", row.deployment_id ?? "").forUpdate().execute();
  const active = await trx
    .selectFrom("flow_runs")
    .selectAll()
    .where("deployment_id", "=", row.deployment_id)
    .where("id", "!=", row.id)
    .where("state_type", "in", [...OVERLAP_ACTIVE_STATE_TYPES])
    .orderBy("expected_start_time")
    .execute();
  const previous = active[0];
  if (previous === undefined) return unchanged;
  const because = `run '${previous.name}' (${previous.id}) of deployment '${deployment.name}' is still ${previous.state_name}`;
  const skip = (reason: string): OverlapOutcome => {
    const cancelled = makeState("Cancelled", { now, message: `skipped: ${reason}` });
    return { decision: { status: "ABORT", reason: `skipped: ${reason}`, state: cancelled, recorded: [cancelled] }, otherRunChanges: [] };
  };
  switch (deployment.overlap) {
    case "skip":
      return skip(`${because} (overlap policy skip)`);
    case "buffer-one":
      return bufferOne(trx, row, now, because, skip);
    case "cancel-other":
      return { decision, otherRunChanges: cancelStates(active, now, `cancelled: run '${row.name}' (${row.id}) of deployment '${deployment.name}' came due (overlap policy cancel-other)`) };
  }
}

/** buffer-one: park `row` behind the active run, unless another run waits there already (then skip it). */
async function bufferOne(trx: Trx, row: FlowRunTable, now: Date, because: string, skip: (reason: string) => OverlapOutcome): Promise<OverlapOutcome> {
  const reason = `${because}; waiting for it to end (overlap policy buffer-one)`;
  const wait = (state: State, recorded: State[]): OverlapOutcome => ({
    decision: { status: "WAIT", reason, state, recorded, retryAfterSeconds: DEPLOYMENT_SLOT_RETRY_SECONDS },
    otherRunChanges: [],
  });
  if (row.state_name === "AwaitingConcurrencySlot") return wait(fromJsonColumn<State>(row.state), []);
  const waiting = await trx
    .selectFrom("flow_runs")
    .select(["id", "name"])
    .where("deployment_id", "=", row.deployment_id)
    .where("id", "!=", row.id)
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "=", "AwaitingConcurrencySlot")
    .executeTakeFirst();
  if (waiting !== undefined) return skip(`${because} and run '${waiting.name}' (${waiting.id}) already waits behind it (overlap policy buffer-one)`);
  const parked = makeState("AwaitingConcurrencySlot", { now, message: reason, scheduledTime: row.next_scheduled_start_time ?? now.toISOString() });
  return wait(parked, [parked]);
}

/** cancel-other: the states that cancel the active runs, as a user's cancel would. */
function cancelStates(active: FlowRunTable[], now: Date, message: string): OtherRunChange[] {
  return active
    .filter((each) => each.state_type !== "CANCELLING")
    .map((each) => {
      const isStopping = each.state_type === "RUNNING" || (each.state_type === "PAUSED" && each.state_name === "Paused");
      return { id: each.id, state: makeState(isStopping ? "Cancelling" : "Cancelled", { now, message }) };
    });
}
