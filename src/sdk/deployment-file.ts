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
 * Errors name the field and its line (`deployments.0.schedules.0.timezone (line 9): …`).
 * Applying loads each entrypoint (SDK `loadFlow`) for the flow's name and parameter schema.
 */
import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { entrypointFileHash } from "./entrypoint-hash.js";
import { LineCounter, parseDocument, isNode, type Document } from "yaml";
import type { OrchestrationApi } from "../client/orchestration-api.js";
import type { ScheduleInput } from "../core/api-types.js";
import { EXECUTION_MODES, type CatchupPolicy, type CodePull, type Deployment, type ExecutionMode, type OverlapPolicy, type Parameters, type ScheduleSpec } from "../core/models.js";
import { unknownOptionMessage, type OptionAliases } from "../core/option-checks.js";
import { validateScheduleSpec } from "../core/schedules/next-schedule-times.js";
import { parseAutomationSpec } from "../core/automations/automation-spec.js";
import { CATCHUP_POLICIES, OVERLAP_POLICIES, isCatchupPolicy, isOverlapPolicy, parseDurationSeconds } from "../core/schedules/schedule-policies.js";
import { WeirError, isWeirError, type FieldIssue } from "../core/weir-error.js";
import { getClient } from "./client-provider.js";
import { deploymentTriggerAutomations, type DeploymentTriggerInput } from "./deployment-triggers.js";
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
  pull: Extract<CodePull, { kind: "git" }> | { kind: "bundle" } | null;
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
const PULL_KEYS = ["git", "ref", "credentials", "bundle", "path"];
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

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

class IssueCollector {
  readonly issues: FieldIssue[] = [];
  constructor(
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  add(path: (string | number)[], message: string): void {
    const node = this.document.getIn(path, true);
    const offset = isNode(node) ? node.range?.[0] : undefined;
    const line = offset === undefined ? "" : ` (line ${this.lines.linePos(offset).line})`;
    this.issues.push({ path: `${path.join(".")}${line}`, message });
  }
}

/** The policy keys of a deployment or schedule entry, checked (see the file header). */
function checkPolicies(raw: Raw, path: (string | number)[], issues: IssueCollector): SchedulePolicies {
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
  if (!isObject(raw)) {
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
    if (!isWeirError(error)) throw error;
    const found = (error.details?.issues as FieldIssue[] | undefined) ?? [{ path: "", message: error.message }];
    for (const issue of found) issues.add([...path, ...issue.path.split(".").filter(Boolean)], issue.message);
    return null;
  }
  if (parameters !== undefined && !isObject(parameters)) issues.add([...path, "parameters"], "must be a mapping");
  if (active !== undefined && typeof active !== "boolean") issues.add([...path, "active"], "must be true or false");
  // No `active`: a schedule paused in the dashboard stays paused when the file is applied again.
  return { schedule: spec as ScheduleSpec, parameters: (parameters as Parameters | undefined) ?? {}, ...(active === undefined ? {} : { isActive: active === true }), ...policies };
}

// A git URL that is a local path (no scheme, not `user@host:path`) is made absolute, as `path` is.
function gitUrlOf(url: string, baseDir: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url) || /^[^/]+@[^/]+:/.test(url) ? url : resolve(baseDir, url);
}

/** The `pull` of a deployment entry, checked (see the file header); `path` when it says `{ path }`. */
function checkPull(raw: unknown, path: (string | number)[], baseDir: string, issues: IssueCollector): { pull: DeploymentFileEntry["pull"]; path?: string } {
  if (raw === undefined || raw === null) return { pull: null };
  if (!isObject(raw)) {
    issues.add(path, "must be { git: <url>, ref: <commit|branch|tag> }, { bundle: true } or { path: <dir> }");
    return { pull: null };
  }
  for (const key of Object.keys(raw)) if (!PULL_KEYS.includes(key)) issues.add([...path, key], `unknown key '${key}' in pull (keys: ${PULL_KEYS.join(", ")})`);
  const kinds = ["git", "bundle", "path"].filter((kind) => raw[kind] !== undefined);
  if (kinds.length !== 1) {
    issues.add(path, `must name exactly one of git, bundle or path${kinds.length > 1 ? ` (it names ${kinds.join(" and ")})` : ""}`);
    return { pull: null };
  }
  if (raw.git === undefined && (raw.ref !== undefined || raw.credentials !== undefined)) issues.add(path, "ref and credentials go with git only");
  if (raw.bundle !== undefined) {
    if (raw.bundle !== true) issues.add([...path, "bundle"], "must be true");
    return { pull: { kind: "bundle" } };
  }
  if (raw.path !== undefined) {
    if (typeof raw.path !== "string" || raw.path.trim() === "") issues.add([...path, "path"], "must be a non-empty string");
    return { pull: null, path: typeof raw.path === "string" ? resolve(baseDir, raw.path) : baseDir };
  }
  if (typeof raw.git !== "string" || raw.git.trim() === "" || raw.git.startsWith("-")) issues.add([...path, "git"], "must be a repository URL or path");
  if (raw.ref === undefined) issues.add(path, "ref is required with git: a commit, branch or tag");
  else if (typeof raw.ref !== "string" || raw.ref.trim() === "" || raw.ref.startsWith("-") || /\s/.test(raw.ref)) issues.add([...path, "ref"], "must be a commit, branch or tag");
  let credentialsSecret: string | null = null;
  if (raw.credentials !== undefined) {
    const secret = isObject(raw.credentials) ? raw.credentials.secret : undefined;
    if (!isObject(raw.credentials) || Object.keys(raw.credentials).some((key) => key !== "secret") || typeof secret !== "string" || secret.trim() === "") {
      issues.add([...path, "credentials"], "must be { secret: <name of a secret variable> }");
    } else credentialsSecret = secret;
  }
  return { pull: { kind: "git", url: typeof raw.git === "string" ? gitUrlOf(raw.git, baseDir) : "", ref: String(raw.ref), credentialsSecret } };
}

function checkEntry(raw: unknown, index: number, baseDir: string, issues: IssueCollector): DeploymentFileEntry | null {
  const at = (...rest: (string | number)[]): (string | number)[] => ["deployments", index, ...rest];
  if (!isObject(raw)) {
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
  if (raw.parameters !== undefined && raw.parameters !== null && !isObject(raw.parameters)) issues.add(at("parameters"), "must be a mapping");
  const tags = raw.tags ?? [];
  if (!Array.isArray(tags) || tags.some((tag) => typeof tag !== "string")) issues.add(at("tags"), "must be a list of strings");
  const limit = raw.concurrencyLimit ?? null;
  if (limit !== null && (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1)) issues.add(at("concurrencyLimit"), "must be an integer ≥ 1 (pause the deployment to hold its runs back)");
  let workPoolName = "default";
  let workQueueName = "default";
  const pool = raw.workPool;
  if (typeof pool === "string") workPoolName = pool;
  else if (isObject(pool)) {
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
  const execution = raw.execution ?? null;
  if (execution !== null && !EXECUTION_MODES.includes(execution as ExecutionMode)) issues.add(at("execution"), `must be one of ${EXECUTION_MODES.join(", ")}`);
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
    execution: execution as ExecutionMode | null,
  };
}

/** A deployment's `triggers:`, each checked as an automation (see the file header). */
function checkTriggers(raw: unknown, path: (string | number)[], issues: IssueCollector): DeploymentTriggerInput[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) {
    issues.add(path, "must be a list of automations (trigger + actions)");
    return [];
  }
  raw.forEach((entry: unknown, index) => {
    if (!isObject(entry)) return issues.add([...path, index], "must be a mapping with trigger and actions");
    const trigger = isObject(entry.trigger) ? entry.trigger : {};
    if (isObject(trigger.match) && trigger.match.deployment !== undefined) issues.add([...path, index, "trigger", "match", "deployment"], "is implied: a deployment's triggers match that deployment");
    try {
      parseAutomationSpec({ name: "unnamed", ...entry }, "weir.yaml");
    } catch (error) {
      if (!isWeirError(error)) throw error;
      const found = (error.details?.issues as FieldIssue[] | undefined) ?? [{ path: "", message: error.message }];
      for (const issue of found) issues.add([...path, index, ...issue.path.split(".").filter(Boolean)], issue.message);
    }
  });
  return raw as DeploymentTriggerInput[];
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
  if (!isObject(root) || !Array.isArray(root.deployments)) {
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
