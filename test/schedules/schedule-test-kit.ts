/** What the schedule-form tests share: the UTC instants of a spec, and the message of a refusal. */
import type { ScheduleSpec } from "../../src/core/models.js";
import { nextScheduleTimes, validateScheduleSpec } from "../../src/core/schedules/next-schedule-times.js";
import { isWeirError } from "../../src/core/weir-error.js";

/** ISO instants of `spec` after `after`, up to `until` (or its first 50 when there is no bound). */
export function scheduleTimes(spec: ScheduleSpec, after: string, until?: string): string[] {
  return nextScheduleTimes(spec, { after: new Date(after), ...(until === undefined ? { count: 50 } : { until: new Date(until) }) }).map((date) => date.toISOString());
}

/** The VALIDATION message `spec` is refused with (fails the test when it is accepted). */
export function validationMessage(spec: ScheduleSpec): string {
  try {
    validateScheduleSpec(spec);
  } catch (error) {
    if (isWeirError(error) && error.code === "VALIDATION") return error.message;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(spec)} to be rejected`);
}
