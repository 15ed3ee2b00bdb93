/**
 * How the deployment commands find a deployment and describe its schedules: by `flow/name`, id,
 * or a deployment name unique across flows; a schedule in one line; the next run of the active
 * schedules.
 */
import type { OrchestrationApi } from "../../client/orchestration-api.js";
import type { Deployment, DeploymentSchedule } from "../../core/models.js";
import { nextScheduleTimes } from "../../core/schedules/next-schedule-times.js";
import { isWeirError, WeirError } from "../../core/weir-error.js";
import { readAllPages } from "../output/read-all-pages.js";

/** Find a deployment by `flow/name`, id, or a deployment name unique across flows. */
export async function resolveDeployment(client: OrchestrationApi, value: string): Promise<Deployment> {
  if (value.includes("/")) return client.readDeploymentByName(value);
  try {
    return await client.readDeployment(value);
  } catch (error) {
    if (!isWeirError(error) || error.code !== "NOT_FOUND") throw error;
  }
  const matches = (await readAllPages((cursor) => client.listDeployments({}, { cursor, limit: 1000 }))).filter((deployment) => deployment.name === value);
  if (matches.length === 1 && matches[0]) return matches[0];
  if (matches.length > 1) throw new WeirError("BAD_REQUEST", `deployment name '${value}' is ambiguous: use flow/deployment (${matches.map((d) => `${d.flowName}/${d.name}`).join(", ")})`);
  throw WeirError.notFound("deployment", value);
}

/** A schedule in one line, e.g. `cron 0 8 * * * (Asia/Phnom_Penh)`. */
export function describeSchedule(schedule: DeploymentSchedule): string {
  const spec = schedule.schedule;
  const zone = spec.timezone ?? "UTC";
  const what = "cron" in spec ? `cron ${spec.cron}` : "interval" in spec ? `every ${spec.interval}s` : `rrule ${spec.rrule}`;
  return `${what} (${zone})${schedule.isActive ? "" : " [inactive]"}`;
}

/** The next run time of one active schedule after `now`; null when it is inactive or has none. */
export function nextScheduleRunTime(schedule: DeploymentSchedule, now: Date): Date | null {
  if (!schedule.isActive) return null;
  try {
    return nextScheduleTimes(schedule.schedule, { after: now, count: 1 })[0] ?? null;
  } catch {
    return null;
  }
}

/** The next run time (ISO) of a deployment's active schedules after `now`, or null. */
export function nextRunTime(deployment: Deployment, now: Date): string | null {
  const times = deployment.schedules.flatMap((schedule) => nextScheduleRunTime(schedule, now) ?? []).sort((a, b) => a.getTime() - b.getTime());
  return times[0]?.toISOString() ?? null;
}

