/** Checks of deployment and schedule input: each bad field gets a VALIDATION error naming it. */
import type { ScheduleInput, UpsertDeploymentInput } from "../core/api-types.js";
import { MAX_PATH_LENGTH } from "../core/input-limits.js";
import { EXECUTION_MODES, type CatchupPolicy, type CodePull, type CollisionStrategy, type Deployment, type ExecutionMode, type OverlapPolicy, type Parameters, type RetryPolicy, type ScheduleSpec } from "../core/models.js";
import { canonicalScheduleSpec } from "../core/schedules/next-schedule-times.js";
import { CATCHUP_POLICIES, OVERLAP_POLICIES, isCatchupPolicy, isOverlapPolicy, parseDurationSeconds } from "../core/schedules/schedule-policies.js";
import { compileRetryPolicy } from "./flow-run-mapper.js";
import { checkName, checkObject, checkStringList, invalid } from "./input-checks.js";
import { checkConcurrencyLimit, checkDescription, checkOptionalBoolean } from "./work-pool-checks.js";

const COLLISION_STRATEGIES: readonly CollisionStrategy[] = ["ENQUEUE", "CANCEL_NEW"];

/** A schedule input, validated (cron/interval/rrule and time zone, canonically spelled), with defaults filled. */
export interface CompiledScheduleInput {
  schedule: ScheduleSpec;
  parameters: Parameters;
  isActive: boolean;
  /** Whether the input said `isActive` (an upsert that does not keeps a stored schedule's flag). */
  isActiveGiven: boolean;
  catchup: CatchupPolicy | null;
  catchupWindow: number | null;
  overlap: OverlapPolicy | null;
}

/** A catch-up policy, or undefined when not given (null is refused). */
export function checkCatchupPolicy(value: unknown, field: string): CatchupPolicy | undefined {
  if (value === undefined) return undefined;
  if (!isCatchupPolicy(value)) invalid(field, `must be one of ${CATCHUP_POLICIES.join(", ")}`);
  return value;
}

/** An overlap policy, or undefined when not given. */
export function checkOverlapPolicy(value: unknown, field: string): OverlapPolicy | undefined {
  if (value === undefined) return undefined;
  if (!isOverlapPolicy(value)) invalid(field, `must be one of ${OVERLAP_POLICIES.join(", ")}`);
  return value;
}

/** A catch-up window in seconds (a whole number ≥ 1, or text like "90m", "6h", "2d"); undefined/null stay so. */
export function checkCatchupWindow(value: unknown, field: string): number | null | undefined {
  if (value === undefined || value === null) return value;
  const seconds = parseDurationSeconds(value);
  if (seconds === null) invalid(field, "must be a whole number of seconds ≥ 1, or a duration like \"90m\", \"6h\" or \"2d\"");
  return seconds;
}

/** Validate one schedule input; `path` prefixes the field names (e.g. `schedules.0`). */
export function compileScheduleInput(input: ScheduleInput, path: string): CompiledScheduleInput {
  checkObject(input, path);
  if (typeof input.schedule !== "object" || input.schedule === null) invalid(`${path}.schedule`, "must be an object with cron, interval or rrule");
  return {
    // Stored with canonical time zones: two spellings of one zone must not make two schedules.
    schedule: canonicalScheduleSpec(input.schedule, `${path}.schedule`),
    parameters: checkObject(input.parameters, `${path}.parameters`),
    isActive: checkOptionalBoolean(input.isActive, `${path}.isActive`) ?? true,
    isActiveGiven: input.isActive !== undefined,
    catchup: input.catchup === null ? null : (checkCatchupPolicy(input.catchup, `${path}.catchup`) ?? null),
    catchupWindow: checkCatchupWindow(input.catchupWindow, `${path}.catchupWindow`) ?? null,
    overlap: input.overlap === null ? null : (checkOverlapPolicy(input.overlap, `${path}.overlap`) ?? null),
  };
}

/** The deployment fields an upsert sets, as the `Deployment` model declares them. */
type UpsertedDeploymentFields = "name" | "flowName" | "entrypoint" | "path" | "description" | "version" | "parameters" | "parameterSchema"
  | "tags" | "workPoolName" | "workQueueName" | "isPaused" | "concurrencyLimit" | "collisionStrategy" | "jobVariables" | "isServed"
  | "catchup" | "catchupWindow" | "overlap" | "execution";

/** A pull as stored: null (code in place) or one CodePull. */
type CompiledPull = { pull: CodePull | null };

/** Validated upsert input with defaults filled: the model's fields, schedules still to store. */
export interface CompiledUpsertDeployment extends Pick<Deployment, UpsertedDeploymentFields>, CompiledPull {
  schedules: CompiledScheduleInput[] | undefined;
  retryPolicy: RetryPolicy | null;
}

/**
 * A deployment's concurrency limit: null (none) or an integer ≥ 1. A limit of 0 is refused: it
 * would let no run of the deployment start, ever (they would wait AwaitingConcurrencySlot
 * forever); pausing the deployment is the way to hold its runs back.
 */
export function checkDeploymentConcurrencyLimit(value: unknown, field: string): number | null {
  const limit = checkConcurrencyLimit(value, field);
  if (limit === 0) invalid(field, "must be at least 1 (a limit of 0 would never let a run start; pause the deployment to hold its runs back)");
  return limit;
}

const BUNDLE_HASH = /^[0-9a-f]{64}$/;
const PULL_KEYS: Record<CodePull["kind"], readonly string[]> = { git: ["kind", "url", "ref", "credentialsSecret"], bundle: ["kind", "hash"] };

/** A deployment's `pull` (see CodePull): null/undefined (code in place), git or bundle. */
export function checkCodePull(value: unknown, field: string): CodePull | null {
  if (value === undefined || value === null) return null;
  const raw = checkObject(value, field);
  const kind = raw.kind;
  if (kind !== "git" && kind !== "bundle") return invalid(`${field}.kind`, "must be git or bundle (or no pull at all, for code read in place at path)");
  for (const key of Object.keys(raw)) if (!PULL_KEYS[kind].includes(key)) invalid(`${field}.${key}`, `is not a field of a ${kind} pull (fields: ${PULL_KEYS[kind].join(", ")})`);
  if (kind === "bundle") {
    if (typeof raw.hash !== "string" || !BUNDLE_HASH.test(raw.hash)) invalid(`${field}.hash`, "must be the bundle's SHA-256, 64 lowercase hex digits");
    return { kind, hash: raw.hash };
  }
  const url = checkName(raw.url, `${field}.url`, MAX_PATH_LENGTH);
  // The URL reaches `git` as an argument: one starting with '-' would read as an option.
  if (url.startsWith("-")) invalid(`${field}.url`, "must not start with '-'");
  const ref = checkName(raw.ref, `${field}.ref`);
  if (ref.startsWith("-") || /\s/.test(ref)) invalid(`${field}.ref`, "must be a commit, branch or tag (no spaces, not starting with '-')");
  const secret = raw.credentialsSecret === undefined || raw.credentialsSecret === null ? null : checkName(raw.credentialsSecret, `${field}.credentialsSecret`);
  return { kind, url, ref, credentialsSecret: secret };
}

/** An execution mode of a deployment's runs, or null (the worker's). */
export function checkExecutionMode(value: unknown, field: string): ExecutionMode | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !EXECUTION_MODES.includes(value as ExecutionMode)) invalid(field, `must be one of ${EXECUTION_MODES.join(", ")}`);
  return value as ExecutionMode;
}

/** Validate an upsert of a deployment. */
export function compileUpsertDeploymentInput(input: UpsertDeploymentInput): CompiledUpsertDeployment {
  checkObject(input, "input");
  const name = checkName(input.name, "name");
  if (name.includes("/")) invalid("name", "must not contain '/'");
  const flowName = checkName(input.flowName, "flowName");
  if (flowName.includes("/")) invalid("flowName", "must not contain '/'");
  const collisionStrategy = input.collisionStrategy ?? "ENQUEUE";
  if (!COLLISION_STRATEGIES.includes(collisionStrategy)) invalid("collisionStrategy", `must be one of ${COLLISION_STRATEGIES.join(", ")}`);
  if (input.schedules !== undefined && !Array.isArray(input.schedules)) invalid("schedules", "must be a list");
  const parameterSchema = input.parameterSchema === undefined || input.parameterSchema === null ? null : checkObject(input.parameterSchema, "parameterSchema");
  return {
    name,
    flowName,
    entrypoint: checkName(input.entrypoint, "entrypoint"),
    path: input.path === undefined || input.path === null ? null : checkName(input.path, "path", MAX_PATH_LENGTH),
    description: checkDescription(input.description, "description"),
    version: checkDescription(input.version, "version"),
    parameters: checkObject(input.parameters, "parameters"),
    parameterSchema,
    tags: checkStringList(input.tags, "tags"),
    workPoolName: input.workPoolName === undefined ? "default" : checkName(input.workPoolName, "workPoolName"),
    workQueueName: input.workQueueName === undefined ? "default" : checkName(input.workQueueName, "workQueueName"),
    isPaused: checkOptionalBoolean(input.isPaused, "isPaused") ?? false,
    concurrencyLimit: checkDeploymentConcurrencyLimit(input.concurrencyLimit, "concurrencyLimit"),
    collisionStrategy,
    catchup: checkCatchupPolicy(input.catchup, "catchup") ?? "skip",
    catchupWindow: checkCatchupWindow(input.catchupWindow, "catchupWindow") ?? null,
    overlap: checkOverlapPolicy(input.overlap, "overlap") ?? "allow",
    schedules: input.schedules?.map((schedule, index) => compileScheduleInput(schedule, `schedules.${index}`)),
    jobVariables: checkObject(input.jobVariables, "jobVariables"),
    pull: checkCodePull(input.pull, "pull"),
    isServed: checkOptionalBoolean(input.isServed, "isServed") ?? false,
    execution: checkExecutionMode(input.execution, "execution"),
    retryPolicy: input.retryPolicy === undefined || input.retryPolicy === null ? null : compileRetryPolicy(checkObject(input.retryPolicy, "retryPolicy")),
  };
}
