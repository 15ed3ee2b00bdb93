/** The scheduling policies of a deployment (catch-up after downtime, overlap), as facts that explain themselves, and a schedule's own overrides. */
import type { Deployment, DeploymentSchedule } from "../../../src/core/models.js";
import { DEFAULT_CATCHUP_WINDOW_SECONDS, formatDurationSeconds } from "../../../src/core/schedules/schedule-policies.js";

/** What the catch-up policy does, in words. */
export function catchupText(policy: Pick<Deployment, "catchup" | "catchupWindow">): string {
  if (policy.catchup === "skip") return "skip — slots missed while the server was down do not run";
  const window = policy.catchupWindow ?? (policy.catchup === "all" ? DEFAULT_CATCHUP_WINDOW_SECONDS : null);
  const reach = window === null ? "" : ` within the last ${formatDurationSeconds(window)}`;
  return policy.catchup === "latest"
    ? `latest — after downtime, only the most recent missed slot${reach} runs`
    : `all — after downtime, every missed slot${reach} runs, oldest first, within the concurrency limit`;
}

/** What the overlap policy does, in words. */
export function overlapText(policy: Pick<Deployment, "overlap">): string {
  switch (policy.overlap) {
    case "allow":
      return "allow — a slot starts even while an earlier run is still active";
    case "skip":
      return "skip — a slot that comes due while a run is active is skipped";
    case "buffer-one":
      return "buffer-one — one run waits for the active one; slots due meanwhile are skipped";
    case "cancel-other":
      return "cancel-other — a slot that comes due cancels the active run";
  }
}

/** The catch-up and overlap facts of a deployment, for its `<dl className="facts">`. */
export function SchedulePolicyFacts({ deployment }: { deployment: Deployment }) {
  return (
    <>
      <dt>Catch-up</dt><dd data-testid="catchup-policy">{catchupText(deployment)}</dd>
      <dt>Overlap</dt><dd data-testid="overlap-policy">{overlapText(deployment)}</dd>
    </>
  );
}

/** A schedule's own policies (when they differ from its deployment's), as small pills. */
export function SchedulePolicyPills({ schedule }: { schedule: DeploymentSchedule }) {
  const parts: string[] = [];
  if (schedule.catchup !== null) parts.push(`catch-up ${schedule.catchup}`);
  if (schedule.catchupWindow !== null) parts.push(`window ${formatDurationSeconds(schedule.catchupWindow)}`);
  if (schedule.overlap !== null) parts.push(`overlap ${schedule.overlap}`);
  return parts.length === 0 ? null : <span className="pill" data-testid="schedule-policies" title="this schedule's own policies (the deployment's apply otherwise)">{parts.join(" · ")}</span>;
}
