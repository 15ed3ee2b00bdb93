/**
 * Deployment versions: every change of what a deployment runs and how (its **spec**) is recorded
 * as a numbered version (1..n per deployment), with who made it, when, the fields that changed and
 * the sha256 of the entrypoint file as the applying client saw it. Each run of a deployment
 * records the version it ran; a rollback applies an earlier version's spec as a new version.
 *
 * What is spec and what is not: the entrypoint and its working directory, parameters and their
 * schema, schedules (spec, parameters and policies), job variables, pool and queue, tags,
 * limits, policies, retry policy, description and flow version. Operational switches are not:
 * pausing the deployment or one of its schedules records no version (and a rollback keeps them
 * as they are).
 */
import type { CatchupPolicy, CodePull, CollisionStrategy, Deployment, ExecutionMode, OverlapPolicy, Parameters, RetryPolicy, ScheduleSpec } from "./models.js";

/** One schedule as a version records it (its active flag is operational, not spec). */
export interface DeploymentSpecSchedule {
  schedule: ScheduleSpec;
  parameters: Parameters;
  catchup: CatchupPolicy | null;
  catchupWindow: number | null;
  overlap: OverlapPolicy | null;
}

/** What a deployment runs and how: the part of a deployment a version records. */
export interface DeploymentSpec {
  entrypoint: string;
  path: string | null;
  description: string | null;
  /** The flow's version string (`flow({ version })`), not the deployment version number. */
  version: string | null;
  parameters: Parameters;
  parameterSchema: Record<string, unknown> | null;
  tags: string[];
  workPoolName: string;
  workQueueName: string;
  concurrencyLimit: number | null;
  collisionStrategy: CollisionStrategy;
  catchup: CatchupPolicy;
  catchupWindow: number | null;
  overlap: OverlapPolicy;
  schedules: DeploymentSpecSchedule[];
  jobVariables: Record<string, unknown>;
  /** Where workers get the code; absent in versions recorded before code pull existed (read in place). */
  pull?: CodePull | null;
  /** How workers execute its runs; absent in versions recorded before execution modes existed. */
  execution?: ExecutionMode | null;
  retryPolicy: RetryPolicy | null;
  isServed: boolean;
}

/** The fields of a spec, in the order they are shown. */
export const DEPLOYMENT_SPEC_FIELDS = Object.keys({
  entrypoint: true,
  path: true,
  parameters: true,
  parameterSchema: true,
  schedules: true,
  jobVariables: true,
  pull: true,
  execution: true,
  workPoolName: true,
  workQueueName: true,
  tags: true,
  concurrencyLimit: true,
  collisionStrategy: true,
  catchup: true,
  catchupWindow: true,
  overlap: true,
  retryPolicy: true,
  description: true,
  version: true,
  isServed: true,
} satisfies Record<keyof DeploymentSpec, true>) as (keyof DeploymentSpec)[];

/** The pseudo-field named in `changedFields` when only the entrypoint file's content changed. */
export const ENTRYPOINT_HASH_FIELD = "entrypointHash";

/** One recorded version of a deployment. */
export interface DeploymentVersion {
  id: string;
  deploymentId: string;
  /** 1 for the first recorded version, then 2, 3, … */
  version: number;
  /** Who applied it: the `X-Weir-Actor` a client sent (`WEIR_ACTOR`, else the OS user), `dashboard`, or `unknown`. */
  author: string;
  createdAt: string;
  spec: DeploymentSpec;
  /** sha256 (hex) of the entrypoint file as the applying client computed it; null when it sent none. */
  entrypointHash: string | null;
  /** The spec fields that differ from the previous version (plus `entrypointHash`); every field for version 1. */
  changedFields: string[];
  /** The version whose spec a rollback restored; null for an ordinary apply. */
  rolledBackFrom: number | null;
}

/** JSON text of a value with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  return (
    JSON.stringify(value, (_key, item: unknown) => {
      if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
      return Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }) ?? "null"
  );
}

/** The spec of a deployment as the API returns it. */
export function deploymentSpecOf(deployment: Deployment): DeploymentSpec {
  return {
    entrypoint: deployment.entrypoint,
    path: deployment.path,
    description: deployment.description,
    version: deployment.version,
    parameters: deployment.parameters,
    parameterSchema: deployment.parameterSchema,
    tags: deployment.tags,
    workPoolName: deployment.workPoolName,
    workQueueName: deployment.workQueueName,
    concurrencyLimit: deployment.concurrencyLimit,
    collisionStrategy: deployment.collisionStrategy,
    catchup: deployment.catchup,
    catchupWindow: deployment.catchupWindow,
    overlap: deployment.overlap,
    schedules: deployment.schedules.map((s) => ({ schedule: s.schedule, parameters: s.parameters, catchup: s.catchup, catchupWindow: s.catchupWindow, overlap: s.overlap })),
    jobVariables: deployment.jobVariables,
    pull: deployment.pull ?? null,
    execution: deployment.execution ?? null,
    retryPolicy: deployment.retryPolicy ?? null,
    isServed: deployment.isServed,
  };
}

// Schedules are a set: their order is the order they were added in, which says nothing.
function fieldText(spec: DeploymentSpec, field: keyof DeploymentSpec): string {
  if (field === "schedules") return canonicalJson(spec.schedules.map((s) => canonicalJson(s)).sort());
  return canonicalJson(spec[field] ?? null);
}

/**
 * The fields that differ between two specs (every field when there is no previous one), and
 * `entrypointHash` when both hashes are known and differ or only the new one is known.
 */
export function changedSpecFields(previous: { spec: DeploymentSpec; entrypointHash: string | null } | null, next: { spec: DeploymentSpec; entrypointHash: string | null }): string[] {
  if (previous === null) return [...DEPLOYMENT_SPEC_FIELDS];
  const changed: string[] = DEPLOYMENT_SPEC_FIELDS.filter((field) => fieldText(previous.spec, field) !== fieldText(next.spec, field));
  if (next.entrypointHash !== null && next.entrypointHash !== previous.entrypointHash) changed.push(ENTRYPOINT_HASH_FIELD);
  return changed;
}

/** One line of a readable diff: a spec path and its value before and after (undefined: absent). */
export interface SpecDiffLine {
  path: string;
  before: string | undefined;
  after: string | undefined;
}

function scheduleLabel(schedule: DeploymentSpecSchedule): string {
  const spec = schedule.schedule as Record<string, unknown>;
  const what = "cron" in spec ? `cron ${String(spec.cron)}` : "interval" in spec ? `every ${String(spec.interval)} s` : `rrule ${String(spec.rrule)}`;
  const zone = typeof spec.timezone === "string" ? ` (${spec.timezone})` : "";
  return `${what}${zone}`;
}

// A spec as flat lines: objects of parameters and job variables key by key, schedules one line each.
function flatten(spec: DeploymentSpec | null, entrypointHash: string | null): Map<string, string> {
  const lines = new Map<string, string>();
  if (spec === null) return lines;
  for (const field of DEPLOYMENT_SPEC_FIELDS) {
    const value = spec[field];
    if (field === "schedules") {
      for (const schedule of spec.schedules) {
        const { schedule: _spec, ...rest } = schedule;
        const label = scheduleLabel(schedule);
        let key = `schedules[${label}]`;
        // Two schedules of one spec (different parameters) stay two lines.
        for (let n = 2; lines.has(key); n++) key = `schedules[${label} #${n}]`;
        lines.set(key, canonicalJson(rest));
      }
    } else if ((field === "parameters" || field === "jobVariables") && value !== null && typeof value === "object") {
      for (const [key, item] of Object.entries(value)) lines.set(`${field}.${key}`, canonicalJson(item));
    } else lines.set(field, canonicalJson(value ?? null));
  }
  if (entrypointHash !== null) lines.set(ENTRYPOINT_HASH_FIELD, entrypointHash);
  return lines;
}

/** A readable diff from one version to the next: only the lines that differ, in spec order. */
export function diffDeploymentVersions(
  previous: Pick<DeploymentVersion, "spec" | "entrypointHash"> | null,
  next: Pick<DeploymentVersion, "spec" | "entrypointHash">,
): SpecDiffLine[] {
  const before = flatten(previous?.spec ?? null, previous?.entrypointHash ?? null);
  const after = flatten(next.spec, next.entrypointHash);
  const paths = [...new Set([...after.keys(), ...before.keys()])];
  return paths.filter((path) => before.get(path) !== after.get(path)).map((path) => ({ path, before: before.get(path), after: after.get(path) }));
}
