/**
 * The scheduler's use case: create the runs of every active schedule of every unpaused deployment
 * ahead of time.
 *
 * Policy (documented defaults in src/services/start-services.ts):
 * - Horizon: every slot due within `horizonSeconds` from now gets a run; a schedule always has at
 *   least `minRuns` future runs (so a daily schedule shows its next run), and at most `maxRuns`
 *   are created per schedule and pass.
 * - Missed slots: slots due more than `maxLatenessSeconds` ago are not created; slots that are
 *   late by less are still created and start at once. After downtime (no pass for longer than
 *   `maxLatenessSeconds`), the slots due in the gap follow the schedule's catch-up policy
 *   (`skip`, `latest`, `all` within a window: catch-up-missed-slots.ts), and each skip is
 *   reported. Slots from before the schedule was created or last changed are never created.
 * - Idempotency: each run has the key `scheduled:<scheduleId>:<slot ISO>`, unique per deployment
 *   in the database, so any number of schedulers (processes, replicas) create each slot once.
 */
import type { CatchupPolicy, FlowRun, Parameters, ScheduleSpec } from "../../core/models.js";
import { compileScheduleSpec, nextScheduleTimes, type CompiledSchedule } from "../../core/schedules/next-schedule-times.js";
import { fromJsonColumn } from "../../db/json-column.js";
import { createDeploymentFlowRun } from "../deployment-flow-run.js";
import type { OrchestrationContext } from "../orchestration-context.js";
import { planMissedSlots, readSchedulerCheckpoint, skipMissedSlots, writeSchedulerCheckpoint, type SkippedSlots } from "./catch-up-missed-slots.js";

/** Options of {@link scheduleDeploymentRuns}. */
export interface ScheduleDeploymentRunsOptions {
  /** Create runs for slots up to this far ahead. @default 3600 */
  horizonSeconds?: number;
  /** Keep at least this many future runs per schedule, even beyond the horizon. @default 3 */
  minRuns?: number;
  /** Create at most this many runs per schedule and pass. @default 100 */
  maxRuns?: number;
  /** Skip slots due longer ago than this. @default 300 */
  maxLatenessSeconds?: number;
  /** Schedules worked on at the same time (PostgreSQL commits them in parallel). @default 4 */
  concurrency?: number;
  /** Told about a schedule that cannot be expanded or a run that cannot be created; the pass continues. */
  onScheduleError?: (error: unknown, scheduleId: string) => void;
  /** Told about the missed slots of one schedule that its catch-up policy skipped after downtime. */
  onSkippedSlots?: (skipped: SkippedSlots) => void;
}

/** What a scheduler pass did. */
export interface SchedulePassResult {
  /** Runs this pass created (a slot another scheduler created at the same instant may be counted too). */
  created: FlowRun[];
  schedulesVisited: number;
  /** Missed slots skipped after downtime, per schedule. */
  skipped: SkippedSlots[];
}

/** The idempotency key of a schedule slot. */
export function scheduledRunKey(scheduleId: string, slot: Date): string {
  return `scheduled:${scheduleId}:${slot.toISOString()}`;
}

/** The slots a schedule (created or last changed at `notBefore`) should have runs for at `now` under the policy above. */
export function slotsToSchedule(
  schedule: ScheduleSpec | CompiledSchedule,
  now: Date,
  options: Required<Omit<ScheduleDeploymentRunsOptions, "onScheduleError" | "onSkippedSlots" | "concurrency">>,
  notBefore?: Date,
): Date[] {
  const earliest = new Date(Math.max(now.getTime() - options.maxLatenessSeconds * 1000, notBefore?.getTime() ?? Number.NEGATIVE_INFINITY) - 1);
  const horizon = new Date(now.getTime() + options.horizonSeconds * 1000);
  const slots = nextScheduleTimes(schedule, { after: earliest, until: horizon, count: options.maxRuns });
  const futureCount = slots.filter((slot) => slot > now).length;
  if (futureCount < options.minRuns && slots.length < options.maxRuns) {
    const last = slots[slots.length - 1] ?? now;
    const more = Math.min(options.minRuns - futureCount, options.maxRuns - slots.length);
    slots.push(...nextScheduleTimes(schedule, { after: last > now ? last : now, count: more }));
  }
  return slots;
}

/** One scheduler pass over all active schedules of unpaused deployments (see header). */
export async function scheduleDeploymentRuns(ctx: OrchestrationContext, options: ScheduleDeploymentRunsOptions = {}): Promise<SchedulePassResult> {
  const policy = {
    horizonSeconds: options.horizonSeconds ?? 3600,
    minRuns: options.minRuns ?? 3,
    maxRuns: options.maxRuns ?? 100,
    maxLatenessSeconds: options.maxLatenessSeconds ?? 300,
  };
  const now = ctx.clock.now();
  const { db } = ctx.database;
  const lastPass = await readSchedulerCheckpoint(ctx);
  // No pass for longer than the tolerance: the slots due since then were missed.
  const missedSince = lastPass !== null && now.getTime() - lastPass.getTime() > policy.maxLatenessSeconds * 1000 ? lastPass : null;
  const schedules = await db
    .selectFrom("deployment_schedules as s")
    .innerJoin("deployments as d", "d.id", "s.deployment_id")
    .select(["s.id", "s.deployment_id", "s.schedule", "s.parameters", "s.updated_at", "s.catchup", "s.catchup_window_seconds"])
    .select(["d.catchup as deployment_catchup", "d.catchup_window_seconds as deployment_catchup_window_seconds"])
    .where("s.is_active", "=", 1)
    .where("d.is_paused", "=", 0)
    .orderBy("s.id")
    .execute();
  const created: FlowRun[] = [];
  const skipped: SkippedSlots[] = [];
  const failures: unknown[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let schedule = schedules[next++]; schedule !== undefined; schedule = schedules[next++]) await scheduleOne(schedule);
  };
  // The slots of a schedule after downtime: its missed slots that its policy runs, then the future ones.
  const catchUp = async (schedule: (typeof schedules)[number], compiled: CompiledSchedule, from: Date, slots: Date[]): Promise<Date[]> => {
    if (from >= now) return slots;
    const catchup = (schedule.catchup ?? schedule.deployment_catchup) as CatchupPolicy;
    const windowSeconds = schedule.catchup_window_seconds ?? schedule.deployment_catchup_window_seconds;
    const window = { from, now, policy: catchup, windowSeconds: windowSeconds === null ? null : Number(windowSeconds), toleranceSeconds: policy.maxLatenessSeconds };
    const missedToRun = planMissedSlots(compiled, window);
    const skip = await skipMissedSlots(ctx, { deploymentId: schedule.deployment_id, scheduleId: schedule.id, schedule: compiled, policy: catchup }, window, missedToRun);
    if (skip !== null) {
      skipped.push(skip);
      options.onSkippedSlots?.(skip);
    }
    return [...missedToRun, ...slots.filter((slot) => slot > now)];
  };
  const scheduleOne = async (schedule: (typeof schedules)[number]): Promise<void> => {
    try {
      const compiled = compileScheduleSpec(fromJsonColumn<ScheduleSpec>(schedule.schedule));
      const notBefore = new Date(schedule.updated_at);
      let slots = slotsToSchedule(compiled, now, policy, notBefore);
      if (missedSince !== null) slots = await catchUp(schedule, compiled, new Date(Math.max(missedSince.getTime(), notBefore.getTime())), slots);
      if (slots.length === 0) return;
      // Skip slots that already have a run without a write; the unique key still guards races.
      const existing = await db
        .selectFrom("flow_runs")
        .select("idempotency_key")
        .where("deployment_id", "=", schedule.deployment_id)
        .where("schedule_id", "=", schedule.id)
        .where("expected_start_time", ">=", (slots[0] ?? now).toISOString())
        .execute();
      const existingKeys = new Set(existing.map((row) => row.idempotency_key));
      const parameters = fromJsonColumn<Parameters>(schedule.parameters);
      for (const slot of slots) {
        const idempotencyKey = scheduledRunKey(schedule.id, slot);
        if (existingKeys.has(idempotencyKey)) continue;
        const run = await createDeploymentFlowRun(ctx, schedule.deployment_id, {
          scheduledTime: slot.toISOString(),
          idempotencyKey,
          scheduleId: schedule.id,
          parameters,
        });
        if (run.createdAt === now.toISOString() && run.idempotencyKey === idempotencyKey && run.scheduleId === schedule.id) created.push(run);
      }
    } catch (error) {
      if (options.onScheduleError) options.onScheduleError(error, schedule.id);
      else failures.push(error);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 4) }, worker));
  await writeSchedulerCheckpoint(ctx, now, skipped);
  // Without an error callback, the first failure is thrown once every schedule has been tried.
  if (failures.length > 0) throw failures[0];
  return { created, schedulesVisited: schedules.length, skipped };
}
