/**
 * `weir.yaml`: deployments described in a file and applied with `weir deploy` (upsert by flow +
 * name). Format:
 *
 * ```yaml
 * deployments:
 *   - name: basic_greeting                       # required
 *     entrypoint: flows/greeting.ts:greeting     # required, relative to this file's folder
 *     parameters: { name: Navin }
 *     workPool: { name: default, workQueue: GreetingWorkQueue }
 *     schedules:
 *       - { cron: "0 8 * * *", timezone: Asia/Phnom_Penh, parameters: {}, active: true }
 *     tags: [demo]
 *     description: The tutorial's greeting
 *     concurrencyLimit: 1
 *     catchup: latest          # skip (default) | latest | all; a schedule entry may override it
 *     catchupWindow: 6h        # how far back `all` reaches: 90m, 6h, 2d or seconds
 *     overlap: skip            # allow (default) | skip | buffer-one | cancel-other
 *     triggers:                # automations of this deployment (match bound to it), replaced on each apply
 *       - name: daily-missed   # default: <flow>/<deployment>#<n>
 *         trigger: { posture: proactive, expect: flow-run.Completed, within: 26h }
 *         actions: [{ type: webhook, url: "https://example.com/hook" }]
 *     pull: { git: https://github.com/acme/flows.git, ref: main, credentials: { secret: GIT_TOKEN } }
 *     execution: pooled        # process | pooled | inline; default: the worker's --execution
 * ```
 *
 * `pull` says where workers get the code (src/worker/code-pull.ts): `{ git: <url or path>, ref:
 * <commit|branch|tag> }` (credentials from a secret variable), `{ bundle: true }` (this folder, or
 * `path`, packed and uploaded by `weir deploy`: sdk/code-bundle.ts), or `{ path: <dir> }` (read in
 * place, as without `pull`: shared file systems and images). With git or bundle the entrypoint is
 * relative to the repository or bundle root.
 *
 * The checks of `pull:`, `execution:` and `triggers:` are in deployment-file/ (one file each).
 *
 * Errors name the field and its line (`deployments.0.schedules.0.timezone (line 9): …`).
 * Applying loads each entrypoint (SDK `loadFlow`) for the flow's name and parameter schema.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { entrypointFileHash } from "./entrypoint-hash.js";
import { LineCounter, parseDocument } from "yaml";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { ScheduleInput } from "../core/api-types.js";
import type { CatchupPolicy, CodePull, Deployment, ExecutionMode, OverlapPolicy, Parameters, ScheduleSpec } from "../core/models.js";
import { unknownOptionMessage, type OptionAliases } from "../core/option-checks.js";
import { validateScheduleSpec } from "../core/schedules/next-schedule-times.js";
import { CATCHUP_POLICIES, OVERLAP_POLICIES, isCatchupPolicy, isOverlapPolicy, parseDurationSeconds } from "../core/schedules/schedule-policies.js";
import { WeirError } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { deploymentTriggerAutomations, type DeploymentTriggerInput } from "./deployment-triggers.js";
import { checkExecution } from "./deployment-file/check-execution.js";
import { checkPull, type DeploymentFilePull } from "./deployment-file/check-pull.js";
import { checkTriggers } from "./deployment-file/check-triggers.js";
import { IssueCollector, isMapping, type RawMapping } from "./deployment-file/issue-collector.js";
import { packCodeBundle, uploadCodeBundle, type CodeBundle } from "./code-bundle.js";
import { loadFlow } from "./load-flow.js";
import { SCHEDULE_OPTION_ALIASES } from "./option-aliases.js";
import { parameterJsonSchema } from "./validate-parameters.js";

/** One deployment of a weir.yaml, validated. */
export interface DeploymentFileEntry {
  name: string;
  entrypoint: string;
  parameters: Parameters;
  workPoolName: string;
  workQueueName: string;
  schedules: ScheduleInput[];
  tags: string[];
  description: string | null;
  concurrencyLimit: number | null;
  /** Working directory of runs (absolute). */
  path: string;
  /** Scheduling policies, when given (the server's defaults otherwise). */
  policies: SchedulePolicies;
  /** Automations of the deployment (`triggers:`), as written; `applyDeploymentFile` names them and binds their match to it. */
  triggers: DeploymentTriggerInput[];
  /** Where workers get the code: git, a bundle of `path` (hash known once packed), or null (in place at `path`). */
  pull: DeploymentFilePull;
  /** How workers execute its runs; null: as the worker says. */
  execution: ExecutionMode | null;
}

/** The scheduling policies of a deployment or schedule entry, as given. */
export interface SchedulePolicies {
  catchup?: CatchupPolicy;
  catchupWindow?: number;
  overlap?: OverlapPolicy;
}

const POLICY_KEYS = ["catchup", "catchupWindow", "overlap"];
const ENTRY_KEYS = ["name", "entrypoint", "parameters", "workPool", "schedules", "tags", "description", "concurrencyLimit", "path", "version", "pull", "triggers", "execution", ...POLICY_KEYS];
const SCHEDULE_KEYS = ["cron", "interval", "rrule", "timezone", "anchorDate", "dayOr", "parameters", "active", ...POLICY_KEYS];
const WORK_POOL_KEYS = ["name", "workQueue"];

// What prefect.yaml (and the deploy() options) call the same things.
const ENTRY_ALIASES: OptionAliases = {
  workQueue: "workPool: { name, workQueue }",
  workQueueName: "workPool: { name, workQueue }",
  work_queue_name: "workPool: { name, workQueue }",
  workPoolName: "workPool: { name, workQueue }",
  work_pool_name: "workPool: { name, workQueue }",
  schedule: "schedules: [ { cron, timezone } ]",
  cron: "schedules: [ { cron, timezone } ]",
  interval: "schedules: [ { interval, timezone } ]",
  rrule: "schedules: [ { rrule, timezone } ]",
  flow: "entrypoint: path/to/file.ts:exportName",
  flowName: "entrypoint: path/to/file.ts:exportName",
};
const WORK_POOL_ALIASES: OptionAliases = { workQueueName: "workQueue", work_queue_name: "workQueue", queue: "workQueue" };

/** The policy keys of a deployment or schedule entry, checked (see the file header). */
function checkPolicies(raw: RawMapping, path: (string | number)[], issues: IssueCollector): SchedulePolicies {
  const policies: SchedulePolicies = {};
  if (raw.catchup !== undefined) {
    if (isCatchupPolicy(raw.catchup)) policies.catchup = raw.catchup;
    else issues.add([...path, "catchup"], `must be one of ${CATCHUP_POLICIES.join(", ")}`);
  }
  if (raw.catchupWindow !== undefined) {
    const seconds = parseDurationSeconds(raw.catchupWindow);
    if (seconds === null) issues.add([...path, "catchupWindow"], 'must be a duration like "90m", "6h", "2d", or a whole number of seconds ≥ 1');
    else policies.catchupWindow = seconds;
  }
  if (raw.overlap !== undefined) {
    if (isOverlapPolicy(raw.overlap)) policies.overlap = raw.overlap;
    else issues.add([...path, "overlap"], `must be one of ${OVERLAP_POLICIES.join(", ")}`);
  }
  return policies;
}

function checkSchedule(raw: unknown, path: (string | number)[], owner: string, issues: IssueCollector): ScheduleInput | null {
  if (!isMapping(raw)) {
    issues.add(path, "must be a mapping with cron, interval or rrule");
    return null;
  }
  for (const key of Object.keys(raw)) {
    if (!SCHEDULE_KEYS.includes(key)) issues.add([...path, key], `${unknownOptionMessage(key, { kind: "schedule", known: SCHEDULE_KEYS, aliases: SCHEDULE_OPTION_ALIASES })} in deployment '${owner}'`);
  }
  const { parameters, active, catchup: _catchup, catchupWindow: _catchupWindow, overlap: _overlap, ...spec } = raw;
  const policies = checkPolicies(raw, path, issues);
  try {
    validateScheduleSpec(spec as ScheduleSpec, "");
  } catch (error) {
    issues.addFromError(path, error);
    return null;
  }
  if (parameters !== undefined && !isMapping(parameters)) issues.add([...path, "parameters"], "must be a mapping");
  if (active !== undefined && typeof active !== "boolean") issues.add([...path, "active"], "must be true or false");
  // No `active`: a schedule paused in the dashboard stays paused when the file is applied again.
  return { schedule: spec as ScheduleSpec, parameters: (parameters as Parameters | undefined) ?? {}, ...(active === undefined ? {} : { isActive: active === true }), ...policies };
}

function checkEntry(raw: unknown, index: number, baseDir: string, issues: IssueCollector): DeploymentFileEntry | null {
  const at = (...rest: (string | number)[]): (string | number)[] => ["deployments", index, ...rest];
  if (!isMapping(raw)) {
    issues.add(at(), "must be a mapping with at least name and entrypoint");
    return null;
  }
  const before = issues.issues.length;
  const owner = typeof raw.name === "string" ? raw.name : `#${index + 1}`;
  for (const key of Object.keys(raw)) {
    if (!ENTRY_KEYS.includes(key)) issues.add(at(key), `${unknownOptionMessage(key, { kind: "deployment", known: ENTRY_KEYS, aliases: ENTRY_ALIASES })} in deployment '${owner}'`);
  }
  const text = (key: string, isRequired: boolean): string | null => {
    const value = raw[key];
    if (value === undefined || value === null) {
      if (isRequired) issues.add(at(), `${key} is required`);
      return null;
    }
    if (typeof value !== "string" || value.trim() === "") issues.add(at(key), "must be a non-empty string");
    return typeof value === "string" ? value : null;
  };
  const name = text("name", true);
  const entrypoint = text("entrypoint", true);
  if (entrypoint !== null && !/^.+:[A-Za-z_$][\w$]*$/.test(entrypoint)) issues.add(at("entrypoint"), "must be path/to/file.ts:exportName");
  const description = text("description", false);
  const path = text("path", false);
  if (raw.parameters !== undefined && raw.parameters !== null && !isMapping(raw.parameters)) issues.add(at("parameters"), "must be a mapping");
  const tags = raw.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) issues.add(at("tags"), "must be a list of strings");
  const limit = raw.concurrencyLimit ?? null;
  if (limit !== null && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1)) issues.add(at("concurrencyLimit"), "must be an integer ≥ 1 (pause the deployment to hold its runs back)");
  let workPoolName = "default";
  let workQueueName = "default";
  const pool = raw.workPool;
  if (typeof pool === "string") workPoolName = pool;
  else if (isMapping(pool)) {
    for (const key of Object.keys(pool)) {
      if (!WORK_POOL_KEYS.includes(key)) issues.add(at("workPool", key), `${unknownOptionMessage(key, { kind: "deployment", known: WORK_POOL_KEYS, aliases: WORK_POOL_ALIASES, path: "workPool" })} in deployment '${owner}'`);
    }
    if (pool.name !== undefined && typeof pool.name !== "string") issues.add(at("workPool", "name"), "must be a string");
    if (pool.workQueue !== undefined && typeof pool.workQueue !== "string") issues.add(at("workPool", "workQueue"), "must be a string");
    workPoolName = typeof pool.name === "string" ? pool.name : workPoolName;
    workQueueName = typeof pool.workQueue === "string" ? pool.workQueue : workQueueName;
  } else if (pool !== undefined && pool !== null) issues.add(at("workPool"), "must be a mapping with name and workQueue");
  const policies = checkPolicies(raw, at(), issues);
  const pulled = checkPull(raw.pull, at("pull"), baseDir, issues);
  if (pulled.path !== undefined && path !== null) issues.add(at("pull"), "give path or pull: { path }, not both");
  const execution = checkExecution(raw.execution, at("execution"), issues);
  const schedules: ScheduleInput[] = [];
  if (raw.schedules !== undefined && raw.schedules !== null) {
    if (!Array.isArray(raw.schedules)) issues.add(at("schedules"), "must be a list");
    else
      raw.schedules.forEach((schedule: unknown, scheduleIndex) => {
        const checked = checkSchedule(schedule, at("schedules", scheduleIndex), owner, issues);
        if (checked) schedules.push(checked);
      });
  }
  const triggers = checkTriggers(raw.triggers, at("triggers"), issues);
  if (issues.issues.length > before || name === null || entrypoint === null) return null;
  return {
    name,
    entrypoint,
    parameters: (raw.parameters as Parameters | undefined) ?? {},
    workPoolName,
    workQueueName,
    schedules,
    tags: tags as string[],
    description,
    concurrencyLimit: limit as number | null,
    path: pulled.path ?? (path === null ? baseDir : resolve(baseDir, path)),
    policies,
    pull: pulled.pull,
    triggers,
    execution,
  };
}

/** Parse and validate weir.yaml text; `baseDir` is the folder entrypoints are relative to. */
export function parseDeploymentFile(text: string, baseDir: string, fileName = "weir.yaml"): DeploymentFileEntry[] {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line = first?.pos ? ` (line ${lines.linePos(first.pos[0]).line})` : "";
    throw WeirError.validation(fileName, [{ path: `(yaml)${line}`, message: first?.message.split("\n")[0] ?? "invalid YAML" }]);
  }
  const root: unknown = document.toJS();
  const issues = new IssueCollector(document, lines);
  if (!isMapping(root) || !Array.isArray(root.deployments)) {
    issues.add(["deployments"], "the file must have a `deployments:` list");
    throw WeirError.validation(fileName, issues.issues);
  }
  const entries = root.deployments.map((raw: unknown, index) => checkEntry(raw, index, baseDir, issues));
  const names = new Set<string>();
  entries.forEach((entry, index) => {
    if (!entry) return;
    if (names.has(entry.name)) issues.add(["deployments", index, "name"], `duplicate deployment name '${entry.name}'`);
    names.add(entry.name);
  });
  if (issues.issues.length > 0) throw WeirError.validation(fileName, issues.issues);
  return entries.filter((entry): entry is DeploymentFileEntry => entry !== null);
}

/** Read and validate a weir.yaml file (entrypoints relative to its folder). */
export function readDeploymentFile(file: string): DeploymentFileEntry[] {
  const absolute = resolve(file);
  let text: string;
  try {
    text = readFileSync(absolute, "utf8");
  } catch (cause) {
    throw new WeirError("NOT_FOUND", `deployment file ${absolute} cannot be read`, { cause });
  }
  return parseDeploymentFile(text, dirname(absolute), file);
}

/** Options of `applyDeploymentFile`. */
export interface ApplyDeploymentFileOptions {
  /** @default "weir.yaml" */
  file?: string;
  /** Deployment names to apply (`name` or `flow/name`); empty means all. @default [] */
  names?: string[];
  /** @default getClient() */
  client?: OrchestrationApi;
}

/** Upsert the deployments of a weir.yaml (all, or those named); resolves to them in file order. */
export async function applyDeploymentFile(options: ApplyDeploymentFileOptions = {}): Promise<Deployment[]> {
  const file = options.file ?? "weir.yaml";
  const entries = readDeploymentFile(file);
  const names = options.names ?? [];
  const client = options.client ?? (await getClient());
  const applied: Deployment[] = [];
  const found = new Set<string>();
  // Each folder is packed and uploaded once, however many deployments bundle it.
  const bundles = new Map<string, Promise<CodeBundle>>();
  const bundleOf = (dir: string): Promise<CodeBundle> => {
    let bundle = bundles.get(dir);
    if (!bundle) {
      bundle = packCodeBundle(dir).then(async (packed) => {
        await uploadCodeBundle(client, packed);
        return packed;
      });
      bundles.set(dir, bundle);
    }
    return bundle;
  };
  for (const entry of entries) {
    const wanted = names.length === 0 || names.some((name) => name === entry.name || name.endsWith(`/${entry.name}`));
    if (!wanted) continue;
    const flow = await loadFlow(entry.entrypoint, entry.path);
    if (names.length > 0 && !names.some((name) => name === entry.name || name === `${flow.name}/${entry.name}`)) continue;
    found.add(entry.name);
    const pull: CodePull | null = entry.pull?.kind === "bundle" ? { kind: "bundle", hash: (await bundleOf(entry.path)).hash } : entry.pull;
    const deployment = await client.upsertDeployment({
        name: entry.name,
        flowName: flow.name,
        entrypoint: entry.entrypoint,
        // Pulled code runs wherever the worker puts it.
        path: pull === null ? entry.path : null,
        pull,
        description: entry.description ?? flow.options.description,
        parameters: entry.parameters,
        parameterSchema: parameterJsonSchema(flow.options.params),
        tags: entry.tags,
        workPoolName: entry.workPoolName,
        workQueueName: entry.workQueueName,
        concurrencyLimit: entry.concurrencyLimit,
        ...entry.policies,
        execution: entry.execution,
        schedules: entry.schedules,
        retryPolicy: flow.options.storedRetryPolicy,
        entrypointHash: entrypointFileHash(entry.entrypoint, entry.path),
      });
    await client.setDeploymentAutomations(deployment.id, deploymentTriggerAutomations(entry.name, flow.name, entry.triggers));
    applied.push(deployment);
  }
  const missing = names.filter((name) => !entries.some((entry) => found.has(entry.name) && (name === entry.name || name.endsWith(`/${entry.name}`))));
  if (missing.length > 0) throw new WeirError("NOT_FOUND", `no deployment named ${missing.map((name) => `'${name}'`).join(", ")} in ${file} (it has: ${entries.map((e) => e.name).join(", ")})`);
  return applied;
}
