/**
 * `deployFlow(flow, options)` (what `flow.deploy()` calls): register or update a deployment of
 * the flow — entrypoint inferred unless given, the flow's parameter JSON Schema sent along so the
 * server validates run parameters, schedules in any of the accepted shapes.
 * @example await greeting.deploy({ name: "basic_greeting", workQueue: "GreetingWorkQueue", parameters: { name: "Navin" }, schedule: { cron: "0 8 * * *", timezone: "Asia/Phnom_Penh" } });
 */
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { ScheduleInput } from "../core/api-types.js";
import type { CatchupPolicy, CollisionStrategy, Deployment, ExecutionMode, OverlapPolicy, Parameters, ScheduleSpec } from "../core/models.js";
import { checkKnownOptions } from "../core/option-checks.js";
import { WeirError } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { entrypointFileHash } from "./entrypoint-hash.js";
import { deploymentTriggerAutomations, type DeploymentTriggerInput } from "./deployment-triggers.js";
import { definitionStackOf, inferEntrypoint } from "./entrypoint-inference.js";
import type { AnyFlow } from "./flow.js";
import { DEPLOY_OPTION_ALIASES, SCHEDULE_OPTION_ALIASES } from "./option-aliases.js";
import { parameterJsonSchema } from "./validate-parameters.js";

/** Per-schedule overrides of the deployment's scheduling policies (see {@link DeployOptions}). */
export interface DeploySchedulePolicies {
  catchup?: CatchupPolicy | null;
  catchupWindow?: number | string | null;
  overlap?: OverlapPolicy | null;
}

/** A schedule as users write it: a spec with optional `parameters`, `active` and policies, or a full ScheduleInput. */
export type DeploySchedule = (ScheduleSpec & { parameters?: Parameters; active?: boolean; isActive?: boolean } & DeploySchedulePolicies) | ScheduleInput;

/** The scheduling policies `deploy()` and `serve()` take (DESIGN §10). */
export interface SchedulePolicyOptions {
  /** Slots missed while the server was down: run none (`skip`), the most recent (`latest`) or every one within `catchupWindow` (`all`). @default "skip" */
  catchup?: CatchupPolicy;
  /** How far back `catchup: "all"` reaches: seconds, or "90m", "6h", "2d". @default one day */
  catchupWindow?: number | string;
  /** A slot due while an earlier run is active: `allow`, `skip`, `buffer-one` (one run waits) or `cancel-other`. @default "allow" */
  overlap?: OverlapPolicy;
}

/** The policy fields of `options` as the API takes them (only those given). */
export function schedulePoliciesOf(options: SchedulePolicyOptions): SchedulePolicyOptions {
  return {
    ...(options.catchup === undefined ? {} : { catchup: options.catchup }),
    ...(options.catchupWindow === undefined ? {} : { catchupWindow: options.catchupWindow }),
    ...(options.overlap === undefined ? {} : { overlap: options.overlap }),
  };
}

/** Options of `flow.deploy()`. */
export interface DeployOptions extends SchedulePolicyOptions {
  /** Deployment name (unique per flow). */
  name: string;
  /** @default "default" */
  workPool?: string;
  /** Created in the pool if missing. @default "default" */
  workQueue?: string;
  /** Default parameters of runs. @default {} */
  parameters?: Parameters;
  /** One schedule (shorthand for `schedules: [schedule]`). */
  schedule?: DeploySchedule;
  /** Replaces the deployment's schedules when given. */
  schedules?: DeploySchedule[];
  /** How workers execute its runs: `process`, `pooled` or `inline`. @default the worker's `--execution` */
  execution?: ExecutionMode;
  /** `path/to/file.ts:exportName` relative to `path`. @default inferred from the caller */
  entrypoint?: string;
  /** Working directory of runs. @default process.cwd() */
  path?: string;
  /** @default [] */
  tags?: string[];
  description?: string;
  version?: string;
  /** Most runs of this deployment at once. @default null (no limit) */
  concurrencyLimit?: number | null;
  /** @default "ENQUEUE" */
  collisionStrategy?: CollisionStrategy;
  /** Environment variables for runs. @default {} */
  jobVariables?: Record<string, unknown>;
  /** @default false */
  paused?: boolean;
  /** Automations of this deployment (match bound to it; named `<flow>/<name>#<n>` by default); replace its triggers when given. @default keep them */
  triggers?: DeploymentTriggerInput[];
  /** @default getClient() */
  client?: OrchestrationApi;
}

// Every key of DeployOptions, checked against the interface by the compiler.
const DEPLOY_OPTION_KEYS = Object.keys({
  name: true,
  workPool: true,
  workQueue: true,
  parameters: true,
  schedule: true,
  schedules: true,
  entrypoint: true,
  path: true,
  tags: true,
  description: true,
  version: true,
  concurrencyLimit: true,
  collisionStrategy: true,
  catchup: true,
  catchupWindow: true,
  overlap: true,
  jobVariables: true,
  execution: true,
  paused: true,
  triggers: true,
  client: true,
} satisfies Record<keyof DeployOptions, true>);

type SpecKey = "cron" | "timezone" | "dayOr" | "interval" | "anchorDate" | "rrule";
const SCHEDULE_SPEC_KEYS: readonly SpecKey[] = ["cron", "interval", "rrule", "timezone", "dayOr", "anchorDate"];
const SCHEDULE_POLICY_KEYS = Object.keys({ catchup: true, catchupWindow: true, overlap: true } satisfies Record<keyof DeploySchedulePolicies, true>);
const SCHEDULE_KEYS = [...SCHEDULE_SPEC_KEYS, "parameters", "active", "isActive", ...SCHEDULE_POLICY_KEYS];
const SCHEDULE_INPUT_KEYS = Object.keys({ schedule: true, parameters: true, isActive: true, catchup: true, catchupWindow: true, overlap: true } satisfies Record<keyof ScheduleInput, true>);

/** Check the keys of one user schedule (either shape) at `path`, e.g. "schedules.0". */
export function checkScheduleKeys(schedule: object, path: string): void {
  if ("schedule" in schedule) {
    checkKnownOptions(schedule, { kind: "schedule", known: SCHEDULE_INPUT_KEYS, aliases: SCHEDULE_OPTION_ALIASES, path });
    checkKnownOptions(schedule.schedule, { kind: "schedule", known: SCHEDULE_SPEC_KEYS, aliases: SCHEDULE_OPTION_ALIASES, path: `${path}.schedule` });
  } else checkKnownOptions(schedule, { kind: "schedule", known: SCHEDULE_KEYS, aliases: SCHEDULE_OPTION_ALIASES, path });
}

/** Turn a user schedule into the API's ScheduleInput (`path` names it in errors). */
export function toScheduleInput(schedule: DeploySchedule, path = "schedule"): ScheduleInput {
  if (typeof schedule !== "object" || schedule === null) throw WeirError.validation("deployment", [{ path, message: "must be an object with cron, interval or rrule" }]);
  checkScheduleKeys(schedule, path);
  if ("schedule" in schedule) return schedule;
  const { parameters, active, isActive, catchup, catchupWindow, overlap, ...spec } = schedule;
  return {
    schedule: spec,
    ...(parameters === undefined ? {} : { parameters }),
    ...(catchup === undefined ? {} : { catchup }),
    ...(catchupWindow === undefined ? {} : { catchupWindow }),
    ...(overlap === undefined ? {} : { overlap }),
    ...(active ?? isActive) === undefined ? {} : { isActive: (active ?? isActive) },
  };
}

/** The schedules of deploy options, or undefined when none were given (keep the existing ones). */
export function schedulesOf(options: { schedule?: DeploySchedule; schedules?: DeploySchedule[] }): ScheduleInput[] | undefined {
  if (options.schedule !== undefined && options.schedules !== undefined) {
    throw WeirError.validation("deployment", [{ path: "schedule", message: "give schedule or schedules, not both" }]);
  }
  if (options.schedule !== undefined) return [toScheduleInput(options.schedule)];
  return options.schedules?.map((schedule, index) => toScheduleInput(schedule, `schedules.${index}`));
}

/** Register or update a deployment of `flow` (see file header). */
export async function deployFlow(flow: AnyFlow, options: DeployOptions): Promise<Deployment> {
  if (typeof options !== "object" || options === null) throw WeirError.validation("deployment", [{ path: "options", message: "must be an object with at least a name" }]);
  checkKnownOptions(options, { kind: "deploy", known: DEPLOY_OPTION_KEYS, aliases: DEPLOY_OPTION_ALIASES, owner: `deploy() of flow '${flow.name}'` });
  const schedules = schedulesOf(options);
  const cwd = options.path ?? process.cwd();
  const entrypoint = options.entrypoint ?? inferEntrypoint(flow.name, cwd, definitionStackOf(flow), new Error().stack ?? "");
  const client = options.client ?? (await getClient());
  const deployment = await client.upsertDeployment({
    name: options.name,
    flowName: flow.name,
    entrypoint,
    entrypointHash: entrypointFileHash(entrypoint, cwd),
    path: cwd,
    description: options.description ?? flow.options.description,
    version: options.version ?? flow.options.version,
    parameters: options.parameters ?? {},
    parameterSchema: parameterJsonSchema(flow.options.params),
    tags: options.tags ?? [],
    workPoolName: options.workPool ?? "default",
    workQueueName: options.workQueue ?? "default",
    isPaused: options.paused ?? false,
    concurrencyLimit: options.concurrencyLimit ?? null,
    ...(options.collisionStrategy === undefined ? {} : { collisionStrategy: options.collisionStrategy }),
    ...schedulePoliciesOf(options),
    ...(schedules === undefined ? {} : { schedules }),
    jobVariables: options.jobVariables ?? {},
    execution: options.execution ?? null,
    retryPolicy: flow.options.storedRetryPolicy,
  });
  if (options.triggers !== undefined) {
    if (!Array.isArray(options.triggers)) throw WeirError.validation("deployment", [{ path: "triggers", message: "must be a list of automations (trigger + actions)" }]);
    await client.setDeploymentAutomations(deployment.id, deploymentTriggerAutomations(options.name, flow.name, options.triggers));
  }
  return deployment;
}
