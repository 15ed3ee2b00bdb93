/**
 * The spellings a Prefect user (or an older Weir) tries for SDK options, each with what Weir
 * writes instead: a bare option name ("did you mean 'x'?") or a hint written out. snake_case
 * spellings of valid options need no entry: src/core/option-checks.ts camel-cases them first.
 */
import type { OptionAliases } from "../core/option-checks.js";

const CACHE_KEY_HINT = "Weir writes a cache key function as cache: { policy: (context, args) => key }";
const CACHE_POLICY_HINT = "write it as cache: { policy }, e.g. cache: { policy: inputs.and(taskSource) }";
const CACHE_VALID_HINT = "isValid";
const RESULT_STORAGE_HINT = "set persistResult: true; where results are stored is the WEIR_RESULT_STORAGE setting";

/** Foreign spellings shared by tasks and flows. */
const RUN_ALIASES: OptionAliases = {
  timeout: "timeoutSeconds",
  retryDelay: "retryDelaySeconds",
  retry_delay: "retryDelaySeconds",
  retryConditionFn: "retryCondition",
  retry_condition_fn: "retryCondition",
  resultStorage: RESULT_STORAGE_HINT,
  result_storage: RESULT_STORAGE_HINT,
  resultSerializer: "results are stored as JSON (values must be JSON-serializable)",
  result_serializer: "results are stored as JSON (values must be JSON-serializable)",
};

/** Options of `task()` a Python user will try. */
export const TASK_OPTION_ALIASES: OptionAliases = {
  ...RUN_ALIASES,
  cacheKeyFn: CACHE_KEY_HINT,
  cache_key_fn: CACHE_KEY_HINT,
  cacheExpiration: "cache.expirationSeconds",
  cache_expiration: "cache.expirationSeconds",
  cachePolicy: CACHE_POLICY_HINT,
  cache_policy: CACHE_POLICY_HINT,
  refreshCache: "cache.refresh",
  refresh_cache: "cache.refresh",
  taskRunName: "runName",
  task_run_name: "runName",
  logPrints: "logPrints is an option of the flow (on by default), not of a task",
  log_prints: "logPrints is an option of the flow (on by default), not of a task",
};

/** Keys of a task's `cache` object a Python user will try. */
export const TASK_CACHE_OPTION_ALIASES: OptionAliases = {
  key: CACHE_KEY_HINT,
  keyFn: CACHE_KEY_HINT,
  cacheKeyFn: CACHE_KEY_HINT,
  cache_key_fn: CACHE_KEY_HINT,
  expiration: "expirationSeconds",
  cacheExpiration: "expirationSeconds",
  cache_expiration: "expirationSeconds",
  ttl: "expirationSeconds",
  ttlSeconds: "expirationSeconds",
  refreshCache: "refresh",
  refresh_cache: "refresh",
  cachePolicy: "policy",
  cache_policy: "policy",
  valid: CACHE_VALID_HINT,
  validate: CACHE_VALID_HINT,
  validator: CACHE_VALID_HINT,
  isValidFn: CACHE_VALID_HINT,
  is_valid: CACHE_VALID_HINT,
};

/** Options of `flow()` a Python user will try. */
export const FLOW_OPTION_ALIASES: OptionAliases = {
  ...RUN_ALIASES,
  flowRunName: "runName",
  flow_run_name: "runName",
  parameters: "params",
  schema: "params",
  validateParameters: "parameters are validated by the params schema (zod or any Standard Schema)",
  validate_parameters: "parameters are validated by the params schema (zod or any Standard Schema)",
  taskRunner: "submitted tasks run concurrently; limit them with taskConcurrency",
  task_runner: "submitted tasks run concurrently; limit them with taskConcurrency",
  onCancel: "onCancellation",
  on_cancel: "onCancellation",
};

const SCHEDULE_HINT = 'put it in schedule: { cron: "0 8 * * *", timezone: "UTC" } (or interval / rrule)';
const POLICIES_HINT = "Weir takes overlap, catchup and catchupWindow as options of their own, not in a policies object";

/** Temporal's and Prefect's spellings of the scheduling policies (deploy, serve and schedules). */
const SCHEDULE_POLICY_ALIASES: OptionAliases = {
  policies: POLICIES_HINT,
  overlapPolicy: "overlap",
  overlap_policy: "overlap",
  catchupPolicy: "catchup",
  catchup_policy: "catchup",
  catchUp: "catchup",
  catchupWindowSeconds: "catchupWindow",
  catchup_window_seconds: "catchupWindow",
};

/** Options of `flow.deploy()` a Python user will try. */
export const DEPLOY_OPTION_ALIASES: OptionAliases = {
  ...SCHEDULE_POLICY_ALIASES,
  cron: SCHEDULE_HINT,
  interval: SCHEDULE_HINT,
  rrule: SCHEDULE_HINT,
  timezone: SCHEDULE_HINT,
  workQueueName: "workQueue",
  work_queue_name: "workQueue",
  workPoolName: "workPool",
  work_pool_name: "workPool",
  isPaused: "paused",
  is_paused: "paused",
  enforceParameterSchema: "runs are always checked against the flow's params schema",
  enforce_parameter_schema: "runs are always checked against the flow's params schema",
};

const NO_POOL_HINT = "serve() runs the deployment in this process with no pool; use deploy() and a worker for a pool";

/** Options of `flow.serve()` a Python user will try. */
export const SERVE_OPTION_ALIASES: OptionAliases = {
  ...SCHEDULE_POLICY_ALIASES,
  schedule: "give cron, interval or rrule (with timezone), or schedules: [ … ]",
  workPool: NO_POOL_HINT,
  workPoolName: NO_POOL_HINT,
  work_pool_name: NO_POOL_HINT,
  workQueue: NO_POOL_HINT,
  workQueueName: NO_POOL_HINT,
  work_queue_name: NO_POOL_HINT,
  globalLimit: "limit",
  global_limit: "limit",
};

/** Keys of a schedule a Python user will try. */
export const SCHEDULE_OPTION_ALIASES: OptionAliases = {
  ...SCHEDULE_POLICY_ALIASES,
  tz: "timezone",
  timeZone: "timezone",
  anchor: "anchorDate",
  start: "anchorDate",
  startDate: "anchorDate",
  day_or: "dayOr",
};

/** Options of `pauseFlowRun()` / `suspendFlowRun()` a Python user will try (Prefect's `pause_flow_run`). */
export const PAUSE_OPTION_ALIASES: OptionAliases = {
  timeout: "timeoutSeconds",
  wait_for_input: "input",
  waitForInput: "input",
  schema: "input",
  poll_interval: "pollIntervalSeconds",
  pollInterval: "pollIntervalSeconds",
  reschedule: "suspendFlowRun() releases the process and resumes the run on a worker",
};
