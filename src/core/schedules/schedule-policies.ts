/**
 * The two scheduling policies a deployment (and, overriding it, each of its schedules) carries:
 *
 * - **Catch-up** — what happens to the slots that came due while no scheduler ran (the server
 *   was down): `skip` runs none of them (only slots late by less than the scheduler's lateness
 *   tolerance still start, as always), `latest` runs only the most recent one, `all` runs every
 *   one due within `catchupWindow` seconds before now, oldest first, through the deployment's
 *   concurrency limit like any run.
 * - **Overlap** — what happens when a slot comes due while an earlier run of the deployment is
 *   still active (Pending, Running, Cancelling or Paused): `allow` starts it anyway, `skip`
 *   cancels the new run, `buffer-one` lets it wait for the active run to end (one waiting run at
 *   most; a slot coming due while one already waits is skipped), `cancel-other` cancels the
 *   active runs and starts the new one.
 *
 * Durations (`catchupWindow`) are seconds, given as a number or as text: `"90s"`, `"90m"`,
 * `"6h"`, `"2d"`.
 */

/** What the scheduler does with slots missed while it was down. */
export type CatchupPolicy = "skip" | "latest" | "all";

/** What happens when a slot comes due while an earlier run of the deployment is still active. */
export type OverlapPolicy = "allow" | "skip" | "buffer-one" | "cancel-other";

/** Every catch-up policy, the default first. */
export const CATCHUP_POLICIES: readonly CatchupPolicy[] = Object.freeze(["skip", "latest", "all"]);

/** Every overlap policy, the default first. */
export const OVERLAP_POLICIES: readonly OverlapPolicy[] = Object.freeze(["allow", "skip", "buffer-one", "cancel-other"]);

/** The catch-up window of `catchup: all` when none is given: one day. */
export const DEFAULT_CATCHUP_WINDOW_SECONDS = 86_400;

/** A duration as text: 1 to 6 digits (no leading zero) and a unit, s, m, h or d. */
export const DURATION_TEXT_PATTERN = /^[1-9][0-9]{0,5}[smhd]$/;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * Seconds of a duration given as a whole number of seconds (≥ 1) or as text matching
 * {@link DURATION_TEXT_PATTERN}; null when it is neither.
 *
 * @example parseDurationSeconds("6h") // 21600
 */
export function parseDurationSeconds(value: unknown): number | null {
  if (typeof value === "number") return Number.isSafeInteger(value) && value >= 1 ? value : null;
  if (typeof value !== "string" || !DURATION_TEXT_PATTERN.test(value)) return null;
  return Number(value.slice(0, -1)) * (UNIT_SECONDS[value.slice(-1)] ?? 1);
}

/** Whether `value` is a catch-up policy. */
export function isCatchupPolicy(value: unknown): value is CatchupPolicy {
  return typeof value === "string" && (CATCHUP_POLICIES as readonly string[]).includes(value);
}

/** Whether `value` is an overlap policy. */
export function isOverlapPolicy(value: unknown): value is OverlapPolicy {
  return typeof value === "string" && (OVERLAP_POLICIES as readonly string[]).includes(value);
}

/** A duration in seconds as people write it: `6h`, `90m`, `45s`, `2d`, or `5400s` when uneven. */
export function formatDurationSeconds(seconds: number): string {
  for (const [unit, size] of [["d", 86_400], ["h", 3600], ["m", 60]] as const) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size}${unit}`;
  }
  return `${seconds}s`;
}
