/**
 * Catch-up after downtime (src/core/schedules/schedule-policies.ts). The scheduler remembers when
 * its last pass ran (`scheduler_checkpoints`). When the gap to the current pass is longer than
 * the lateness tolerance, no scheduler ran in between (the server was down, or its services
 * were), and the slots that came due in the gap — after the last pass, after the schedule was
 * created or changed, and at or before now — are *missed*. Slots that came due while a scheduler
 * ran are never missed, whatever happened to their runs: a run waiting for a worker stays Late and
 * is still claimed, as always.
 *
 * The schedule's policy (its own, else its deployment's) picks which missed slots run:
 * - `skip`: only those late by less than the tolerance (what the scheduler always did);
 * - `latest`: only the most recent one (within `catchupWindow` when set);
 * - `all`: every one within `catchupWindow` (default one day; never less than the tolerance),
 *   oldest first: their runs are due at their slot times, so claims take them in that order,
 *   through the deployment's concurrency limit like any run.
 * A missed slot to run gets its run (the pass creates it, keyed like any slot); a skipped slot
 * gets none, and a run created for it ahead of time that never started (Scheduled or Late, no
 * attempt) ends Cancelled with the reason. Each skip is reported: the scheduler service logs a
 * line per schedule and counts the slots (metrics), and the pass stores one
 * `deployment.slots-skipped` event per schedule with the checkpoint it moves (so once per pass).
 */
import type { CatchupPolicy } from "../../core/models.js";
import { nextScheduleTimes, MAX_SCHEDULE_TIMES, type CompiledSchedule } from "../../core/schedules/next-schedule-times.js";
import { DEFAULT_CATCHUP_WINDOW_SECONDS } from "../../core/schedules/schedule-policies.js";
import { makeState } from "../../core/states.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { transitionFlowRunIf } from "./transition-flow-run-if.js";
import { appendEvents } from "../append-events.js";
import { deploymentFromRow } from "../deployment-mapper.js";
import { deploymentEvent } from "../resource-events.js";

/** The checkpoint row of the scheduler's passes. */
export const SCHEDULER_CHECKPOINT = "scheduler";

/** What a pass skipped of one schedule's missed slots. */
export interface SkippedSlots {
  deploymentId: string;
  scheduleId: string;
  policy: CatchupPolicy;
  /** Missed slots skipped (counting stops at {@link MAX_SCHEDULE_TIMES}). */
  count: number;
  /** The oldest and newest skipped slot, ISO-8601. */
  first: string;
  last: string;
  /** Runs created ahead of time for skipped slots, now Cancelled. */
  cancelledRunIds: string[];
}

/** The missed-slot window of one schedule: slots due after `from` and at or before `now`. */
export interface MissedSlotWindow {
  from: Date;
  now: Date;
  policy: CatchupPolicy;
  /** Seconds; null: the policy's default. */
  windowSeconds: number | null;
  /** Slots late by less than this always run. */
  toleranceSeconds: number;
}

/** When the previous scheduler pass ran, or null before the first. */
export async function readSchedulerCheckpoint(ctx: OrchestrationContext): Promise<Date | null> {
  const row = await ctx.database.db.selectFrom("scheduler_checkpoints").select("passed_at").where("name", "=", SCHEDULER_CHECKPOINT).executeTakeFirst();
  return row ? new Date(row.passed_at) : null;
}

/**
 * Record that a scheduler pass ran at `at` (never moves the checkpoint back), with the
 * `deployment.slots-skipped` events of the slots it skipped when it moves it.
 */
export async function writeSchedulerCheckpoint(ctx: OrchestrationContext, at: Date, skipped: readonly SkippedSlots[] = []): Promise<void> {
  const passedAt = at.toISOString();
  await ctx.database.writeTransaction(async (trx) => {
    const written = await trx
      .insertInto("scheduler_checkpoints")
      .values({ name: SCHEDULER_CHECKPOINT, passed_at: passedAt })
      .onConflict((oc) => oc.column("name").doUpdateSet({ passed_at: passedAt }).where("scheduler_checkpoints.passed_at", "<", passedAt))
      .executeTakeFirst();
    if (skipped.length === 0 || Number(written.numInsertedOrUpdatedRows ?? 0) === 0) return;
    const rows = await trx.selectFrom("deployments").selectAll().where("id", "in", [...new Set(skipped.map((skip) => skip.deploymentId))]).execute();
    const deployments = new Map(rows.map((row) => [row.id, deploymentFromRow(row, [])]));
    const events = skipped.flatMap((skip) => {
      const deployment = deployments.get(skip.deploymentId);
      if (deployment === undefined) return [];
      const { deploymentId: _deploymentId, ...payload } = skip;
      const event = deploymentEvent("slots-skipped", deployment, { ...payload }, passedAt);
      return [{ ...event, related: [{ kind: "schedule", id: skip.scheduleId }, ...(event.related ?? [])] }];
    });
    await appendEvents(trx, events, at);
  });
}

/** The slots of `schedule` in (after, until], at most `cap` of them. */
function slotsBetween(schedule: CompiledSchedule, after: Date, until: Date, cap = MAX_SCHEDULE_TIMES): Date[] {
  return after < until ? nextScheduleTimes(schedule, { after, until, count: cap }) : [];
}

/** The most recent slot in (after, until], searching back in growing spans so a long gap stays cheap. */
function latestSlotBetween(schedule: CompiledSchedule, after: Date, until: Date): Date | null {
  for (let spanMs = 3_600_000; ; spanMs *= 8) {
    const from = new Date(Math.max(after.getTime(), until.getTime() - spanMs));
    const slots = slotsBetween(schedule, from, until);
    const last = slots[slots.length - 1];
    if (last !== undefined && (slots.length < MAX_SCHEDULE_TIMES || spanMs === 3_600_000)) return last;
    if (from.getTime() === after.getTime()) return last ?? null;
  }
}

/** The missed slots of one schedule to run, oldest first, per its policy (see file header); the rest are skipped. */
export function planMissedSlots(schedule: CompiledSchedule, window: MissedSlotWindow): Date[] {
  const { from, now, policy, toleranceSeconds } = window;
  const reachBack = (seconds: number): Date => new Date(Math.max(from.getTime(), now.getTime() - seconds * 1000 - 1));
  switch (policy) {
    case "skip":
      return slotsBetween(schedule, reachBack(toleranceSeconds), now);
    case "latest": {
      const latest = latestSlotBetween(schedule, window.windowSeconds === null ? from : reachBack(window.windowSeconds), now);
      return latest === null ? [] : [latest];
    }
    case "all": {
      const reach = reachBack(Math.max(window.windowSeconds ?? DEFAULT_CATCHUP_WINDOW_SECONDS, toleranceSeconds));
      const slots = slotsBetween(schedule, reach, now);
      // More than one call returns: the most recent ones.
      return slots.length < MAX_SCHEDULE_TIMES ? slots : slotsBetween(schedule, latestReach(schedule, reach, now), now);
    }
  }
}

/** A start after `reach` such that (start, now] holds fewer than MAX_SCHEDULE_TIMES slots, found by bisection. */
function latestReach(schedule: CompiledSchedule, reach: Date, now: Date): Date {
  let full = reach.getTime();
  let fewer = now.getTime();
  while (fewer - full > 1000) {
    const middle = Math.floor((full + fewer) / 2);
    if (slotsBetween(schedule, new Date(middle), now).length === MAX_SCHEDULE_TIMES) full = middle;
    else fewer = middle;
  }
  return new Date(fewer);
}

/**
 * Skip the missed slots in (from, now] that `run` leaves out: count them and cancel the runs
 * created ahead of time for them that never started (see file header); null when none is skipped.
 */
export async function skipMissedSlots(
  ctx: OrchestrationContext,
  target: { deploymentId: string; scheduleId: string; schedule: CompiledSchedule; policy: CatchupPolicy },
  window: { from: Date; now: Date },
  run: Date[],
): Promise<SkippedSlots | null> {
  const { from, now } = window;
  const keep = new Set(run.map((slot) => slot.toISOString()));
  // The slots to run are the newest ones: everything missed before the oldest of them is skipped.
  const skippedUntil = run[0] === undefined ? now : new Date(run[0].getTime() - 1);
  const skipped = slotsBetween(target.schedule, from, skippedUntil).filter((slot) => !keep.has(slot.toISOString()));
  const first = skipped[0];
  if (first === undefined) return null;
  const last = skipped.length < MAX_SCHEDULE_TIMES ? skipped[skipped.length - 1]! : (latestSlotBetween(target.schedule, from, skippedUntil) ?? first);
  const candidates = await ctx.database.db
    .selectFrom("flow_runs")
    .select(["id", "expected_start_time"])
    .where("schedule_id", "=", target.scheduleId)
    .where("state_type", "=", "SCHEDULED")
    .where("state_name", "in", ["Scheduled", "Late"])
    .where("run_count", "=", 0)
    .where("expected_start_time", ">", from.toISOString())
    .where("expected_start_time", "<=", now.toISOString())
    .orderBy("expected_start_time")
    .execute();
  const cancelledRunIds: string[] = [];
  const reason = `missed while no scheduler ran (${from.toISOString()} to ${now.toISOString()}) and the catch-up policy is '${target.policy}'`;
  for (const candidate of candidates) {
    if (keep.has(new Date(candidate.expected_start_time).toISOString())) continue;
    const result = await transitionFlowRunIf(
      ctx,
      candidate.id,
      (row) => row.state_type === "SCHEDULED" && (row.state_name === "Scheduled" || row.state_name === "Late") && Number(row.run_count) === 0,
      (_row, at) => makeState("Cancelled", { now: at, message: `skipped: its slot ${candidate.expected_start_time} was ${reason}` }),
    );
    if (result?.status === "ACCEPT") cancelledRunIds.push(candidate.id);
  }
  return {
    deploymentId: target.deploymentId,
    scheduleId: target.scheduleId,
    policy: target.policy,
    count: skipped.length,
    first: first.toISOString(),
    last: last.toISOString(),
    cancelledRunIds,
  };
}
