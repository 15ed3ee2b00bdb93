/** How `weir deployment inspect` and `weir deployment schedule` show the scheduling policies. */
import type { Deployment, DeploymentSchedule } from "../../core/models.js";
import { DEFAULT_CATCHUP_WINDOW_SECONDS, formatDurationSeconds } from "../../core/schedules/schedule-policies.js";

/** A deployment's catch-up policy in words: `skip`, `latest`, `all (window 6h)`. */
export function describeCatchup(policy: Pick<Deployment, "catchup" | "catchupWindow">): string {
  if (policy.catchup === "skip") return "skip (missed slots do not run)";
  const window = policy.catchupWindow ?? (policy.catchup === "all" ? DEFAULT_CATCHUP_WINDOW_SECONDS : null);
  const reach = window === null ? "" : ` within ${formatDurationSeconds(window)}`;
  return policy.catchup === "latest" ? `latest (the most recent missed slot${reach} runs)` : `all (every missed slot${reach} runs, oldest first)`;
}

/** A deployment's overlap policy in words. */
export function describeOverlap(policy: Pick<Deployment, "overlap">): string {
  switch (policy.overlap) {
    case "allow":
      return "allow (a due slot starts even while an earlier run is active)";
    case "skip":
      return "skip (a slot due while a run is active is skipped)";
    case "buffer-one":
      return "buffer-one (one run waits for the active one; later slots are skipped)";
    case "cancel-other":
      return "cancel-other (a due slot cancels the active run)";
  }
}

/** A schedule's own policies, as a suffix (empty when it follows its deployment's). */
export function describeSchedulePolicies(schedule: DeploymentSchedule): string {
  const parts: string[] = [];
  if (schedule.catchup !== null) parts.push(`catchup ${schedule.catchup}`);
  if (schedule.catchupWindow !== null) parts.push(`window ${formatDurationSeconds(schedule.catchupWindow)}`);
  if (schedule.overlap !== null) parts.push(`overlap ${schedule.overlap}`);
  return parts.length === 0 ? "" : ` [${parts.join(", ")}]`;
}
