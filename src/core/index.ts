/**
 * Public surface of `weirflow/core`: the domain types every layer shares (states, records, errors)
 * and the schedule arithmetic (next run times of a cron, interval or RRULE schedule in a time zone).
 */
export * from "./states.js";
export type * from "./models.js";
export type * from "./api-types.js";
export { WeirError, isWeirError, type FieldIssue } from "./weir-error.js";
export type { StoredResult, StoredResultPage } from "./stored-result.js";
export { HTTP_STATUS_OF_ERROR_CODE, httpStatusOf, isErrorCode, type ErrorCode } from "./error-codes.js";
export {
  nextScheduleTimes,
  compileScheduleSpec,
  validateScheduleSpec,
  DEFAULT_SCHEDULE_TIME_ZONE,
  MAX_SCHEDULE_TIMES,
  type NextScheduleTimesOptions,
  type CompiledSchedule,
} from "./schedules/next-schedule-times.js";
export {
  CATCHUP_POLICIES,
  OVERLAP_POLICIES,
  DEFAULT_CATCHUP_WINDOW_SECONDS,
  DURATION_TEXT_PATTERN,
  parseDurationSeconds,
  formatDurationSeconds,
} from "./schedules/schedule-policies.js";
export {
  MAX_BACKFILL_SLOTS,
  backfillTag,
  scheduleSlotsInRange,
  type Backfill,
  type BackfillInput,
  type BackfillProgress,
  type BackfillResult,
  type BackfillSlot,
} from "./backfills.js";
export { parseBackfillTime } from "./backfill-time.js";
export {
  DEPLOYMENT_SPEC_FIELDS,
  ENTRYPOINT_HASH_FIELD,
  changedSpecFields,
  deploymentSpecOf,
  diffDeploymentVersions,
  type DeploymentSpec,
  type DeploymentSpecSchedule,
  type DeploymentVersion,
  type SpecDiffLine,
} from "./deployment-versions.js";
export type {
  EventBatch,
  EventPage,
  EventResource,
  ListEventsInput,
  NewEvent,
  ReadEventsAfterInput,
  StoredEvent,
  StoredEventFilter,
} from "./events.js";
export { EVENT_NAME_PATTERN, MAX_EVENT_NAME_LENGTH, eventNameFilterProblem } from "./events.js";
export { followEvents, type FollowEventsOptions } from "./follow-events.js";
export type { Automation, AutomationActionOutcome, AutomationFiring } from "./automations/automation-models.js";
export type { NotificationDelivery, NotificationDeliveryFilter, NotificationDeliveryStatus, NotificationMessage } from "./notification-deliveries.js";
export type { ClaimedTaskRun, ClaimTaskRunsInput, CompleteTaskRunInput, EnqueueTaskRunInput, FinishedTaskRun, TaskQueueApi } from "./task-queue.js";
export { NOTIFICATION_DELIVERY_STATUSES } from "./notification-deliveries.js";
export { TRIGGER_POSTURES, automationSpecSchema, type AutomationInput, type AutomationSpec, type MatchSpec, type TriggerPosture, type TriggerSpec } from "./automations/automation-spec.js";
