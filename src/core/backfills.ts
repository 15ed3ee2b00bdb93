/**
 * Backfills: the runs a deployment's schedules would have made over a past (or any) time range.
 *
 * A backfill of `[from, to)` makes one run per slot of each active schedule in that range, keyed
 * exactly like the scheduler's runs (`scheduled:<scheduleId>:<slot ISO>`, unique per deployment),
 * so the same backfill run twice creates nothing new and a slot the scheduler already made is not
 * made again. Each run is due at its slot (`getRunContext().scheduledTime` is the slot), carries
 * the tag `backfill:<id>`, and waits for the deployment's concurrency limit like any other run.
 * A backfill's progress counts every slot run in its range, whoever created it.
 */
import type { Parameters } from "./models.js";
import { nextScheduleTimes, type CompiledSchedule } from "./schedules/next-schedule-times.js";
import type { StateType } from "./states.js";

/** Most slots one backfill may create (split a longer range into several backfills). */
export const MAX_BACKFILL_SLOTS = 10_000;

/** Body of `POST /api/deployments/{id}/backfill`. */
export interface BackfillInput {
  /** First instant of the range (inclusive), ISO-8601 with an offset or Z. */
  from: string;
  /** End of the range (exclusive), ISO-8601 with an offset or Z. */
  to: string;
  /** Merged over the deployment's and each schedule's parameters for every new run. */
  parameters?: Parameters;
  /** List the slots and what would be created; create nothing. @default false */
  dryRun?: boolean;
}

/** How many of a backfill's slot runs are in each state type. */
export interface BackfillProgress {
  /** Slot runs that exist in the range (created by this backfill, an earlier one or the scheduler). */
  runCount: number;
  byStateType: Record<StateType, number>;
}

/** A backfill as recorded (the same request again returns the same backfill). */
export interface Backfill {
  id: string;
  deploymentId: string;
  from: string;
  to: string;
  parameters: Parameters;
  /** Slots in the range when the backfill was (last) requested. */
  slotCount: number;
  /** The tag its new runs carry: `backfill:<id>`. */
  tag: string;
  createdAt: string;
  progress: BackfillProgress;
}

/** One slot of a backfill. */
export interface BackfillSlot {
  scheduleId: string;
  scheduledTime: string;
  /** The slot's run: the one created now, or the one that already existed; null in a dry run for a new slot. */
  flowRunId: string | null;
  /** Whether this request created (or, dry, would create) the slot's run. */
  isNew: boolean;
}

/** What a backfill request did (or, dry, would do). */
export interface BackfillResult {
  isDryRun: boolean;
  /** The recorded backfill; null in a dry run. */
  backfill: Backfill | null;
  /** Every slot of the range, by time. */
  slots: BackfillSlot[];
  createdCount: number;
  existingCount: number;
}

/** The tag of a backfill's runs. */
export function backfillTag(backfillId: string): string {
  return `backfill:${backfillId}`;
}

/**
 * The slots of one schedule in `[from, to)`, ascending; at most `limit + 1` of them, so a caller
 * can tell that a range holds more than `limit`.
 */
export function scheduleSlotsInRange(schedule: CompiledSchedule, from: Date, to: Date, limit = MAX_BACKFILL_SLOTS): Date[] {
  if (to.getTime() <= from.getTime()) return [];
  const after = new Date(from.getTime() - 1);
  const until = new Date(to.getTime() - 1);
  const slots: Date[] = [];
  while (slots.length <= limit) {
    const last = slots[slots.length - 1];
    const batch = nextScheduleTimes(schedule, { after: last ?? after, until, count: limit + 1 - slots.length });
    if (batch.length === 0) break;
    slots.push(...batch);
  }
  return slots;
}
