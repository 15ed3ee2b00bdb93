/**
 * Deployment versions (src/core/deployment-versions.ts): recorded inside the transaction of each
 * change of a deployment (upsert, patch, schedule added, changed or removed) when its spec or
 * entrypoint hash changed; listed newest first; and a rollback applies an earlier version's spec
 * through the upsert path as a new version. A new version is also the one the deployment's runs
 * that have not started yet (state type SCHEDULED) will run: they load the entrypoint when they
 * start, so their `deployment_version` moves with it.
 */
import type { Kysely } from "kysely";
import type { Page, PageRequest } from "../core/api-types.js";
import { changedSpecFields, deploymentSpecOf, type DeploymentSpec, type DeploymentVersion } from "../core/deployment-versions.js";
import type { Deployment } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { DatabaseSchema, DeploymentVersionTable } from "../db/schema.js";
import type { WeirDatabase } from "../db/weir-database.js";
import { invalid } from "./input-checks.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

type Trx = Kysely<DatabaseSchema>;

/** Longest author name kept. */
export const MAX_AUTHOR_LENGTH = 200;

export type { DeploymentChangeOptions } from "../core/api-types.js";

/** The author of a change: a trimmed, printable name of at most 200 characters, or "unknown". */
export function checkAuthor(value: unknown, field = "author (X-Weir-Actor)"): string {
  if (value === undefined || value === null) return "unknown";
  if (typeof value !== "string") invalid(field, "must be a string");
  // eslint-disable-next-line no-control-regex
  const name = value.replace(/[\u0000-\u001f\u007f]/g, "").trim();
  if (name.length > MAX_AUTHOR_LENGTH) invalid(field, `must be at most ${MAX_AUTHOR_LENGTH} characters`);
  return name === "" ? "unknown" : name;
}

/** An entrypoint file hash: 64 hex digits (sha256), stored lower case; undefined/null stay so. */
export function checkEntrypointHash(value: unknown, field = "entrypointHash"): string | null | undefined {
  if (value === undefined || value === null) return value;
  if (typeof value !== "string" || !/^[0-9a-fA-F]{64}$/.test(value)) invalid(field, "must be a sha256 digest: 64 hexadecimal digits");
  return value.toLowerCase();
}

/** A `deployment_versions` row as a DeploymentVersion. */
export function deploymentVersionFromRow(row: DeploymentVersionTable): DeploymentVersion {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    version: Number(row.version),
    author: row.author,
    createdAt: row.created_at,
    spec: fromJsonColumn<DeploymentSpec>(row.spec),
    entrypointHash: row.entrypoint_hash,
    changedFields: fromJsonColumn<string[]>(row.changed_fields),
    rolledBackFrom: row.rolled_back_from === null ? null : Number(row.rolled_back_from),
  };
}

/** What a change to record is: who, when, and the entrypoint hash the client sent. */
export interface VersionChange {
  author: string;
  now: string;
  /** Given by an apply (null: the client sent none); undefined: the change did not touch code, the previous hash stays. */
  entrypointHash: string | null | undefined;
  rolledBackFrom?: number | null;
}

/**
 * Record a version of `deployment` (as stored after the change, inside the change's
 * transaction) when its spec or hash differs from the latest version, or when it has none yet.
 * Returns the new version number, or null when nothing changed.
 */
export async function recordDeploymentVersion(trx: Trx, database: WeirDatabase, deployment: Deployment, change: VersionChange): Promise<number | null> {
  // Two changes of one deployment at once must not both take the next number.
  if (database.capabilities.supportsRowLocks) await trx.selectFrom("deployments").select("id").where("id", "=", deployment.id).forUpdate().execute();
  const latestRow = await trx.selectFrom("deployment_versions").selectAll().where("deployment_id", "=", deployment.id).orderBy("version", "desc").limit(1).executeTakeFirst();
  const latest = latestRow ? deploymentVersionFromRow(latestRow) : null;
  const spec = deploymentSpecOf(deployment);
  const entrypointHash = change.entrypointHash === undefined ? (latest?.entrypointHash ?? null) : change.entrypointHash;
  const changedFields = changedSpecFields(latest, { spec, entrypointHash });
  if (latest !== null && changedFields.length === 0) return null;
  const version = (latest?.version ?? 0) + 1;
  await trx
    .insertInto("deployment_versions")
    .values({
      id: crypto.randomUUID(),
      deployment_id: deployment.id,
      version,
      author: change.author,
      spec: toJsonColumn(spec),
      entrypoint_hash: entrypointHash,
      changed_fields: toJsonColumn(changedFields),
      rolled_back_from: change.rolledBackFrom ?? null,
      created_at: change.now,
    })
    .execute();
  await trx.updateTable("deployments").set({ version_number: version }).where("id", "=", deployment.id).execute();
  // Runs not started yet will load the new entrypoint; updated_at moves so cached rows are re-read.
  await trx
    .updateTable("flow_runs")
    .set({ deployment_version: version, updated_at: change.now })
    .where("deployment_id", "=", deployment.id)
    .where("state_type", "=", "SCHEDULED")
    .execute();
  return version;
}

/** The versions of a deployment, newest first, a page at a time. */
export async function listDeploymentVersions(db: Trx, deploymentId: string, page?: PageRequest): Promise<Page<DeploymentVersion>> {
  const { limit, after } = compilePageRequest(page, "VERSION_DESC");
  const deployment = await db.selectFrom("deployments").select("id").where("id", "=", deploymentId).executeTakeFirst();
  if (!deployment) throw WeirError.notFound("deployment", deploymentId);
  let query = db.selectFrom("deployment_versions").selectAll().where("deployment_id", "=", deploymentId).orderBy("version", "desc").limit(limit + 1);
  if (after) query = query.where("version", "<", Number(after.key));
  const rows = await query.execute();
  return toPage(rows, limit, deploymentVersionFromRow, (row) => ({ key: Number(row.version), id: row.id, sort: "VERSION_DESC" }));
}

/** A version number from the API: a whole number ≥ 1. */
export function checkVersionNumber(value: unknown, field = "version"): number {
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isSafeInteger(number) || number < 1) invalid(field, "must be a whole number ≥ 1");
  return number;
}

/** One version of a deployment (NOT_FOUND naming both when it has no such version). */
export async function readDeploymentVersion(db: Trx, deploymentId: string, version: number): Promise<DeploymentVersion> {
  const row = await db.selectFrom("deployment_versions").selectAll().where("deployment_id", "=", deploymentId).where("version", "=", version).executeTakeFirst();
  if (!row) {
    const deployment = await db.selectFrom("deployments").select("id").where("id", "=", deploymentId).executeTakeFirst();
    if (!deployment) throw WeirError.notFound("deployment", deploymentId);
    throw new WeirError("NOT_FOUND", `deployment '${deploymentId}' has no version ${version}`, { details: { field: "version" } });
  }
  return deploymentVersionFromRow(row);
}
