/** Artifacts: records (markdown, table, link, progress, image) attached to runs; progress ones are updated in place. */
import type { ArtifactFilter, CreateArtifactInput, Page, PageRequest } from "../core/api-types.js";
import type { Artifact, ArtifactType } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn } from "../db/json-column.js";
import type { ArtifactTable } from "../db/schema.js";
import { checkJsonDepth, checkName, checkOptionalText, invalid } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

const ARTIFACT_TYPES: readonly ArtifactType[] = ["markdown", "table", "link", "progress", "image"];

function checkType(value: unknown, field: string): ArtifactType {
  if (!ARTIFACT_TYPES.includes(value as ArtifactType)) invalid(field, `must be one of ${ARTIFACT_TYPES.join(", ")}`);
  return value as ArtifactType;
}

function checkData(type: ArtifactType, data: unknown): unknown {
  if (data === undefined) invalid("data", "is required");
  checkJsonDepth(data, "data");
  if (type === "progress" && (typeof data !== "number" || data < 0 || data > 100)) invalid("data", "progress must be a number from 0 to 100");
  if (type === "markdown" && typeof data !== "string") invalid("data", "markdown must be a string");
  return data;
}

/**
 * New data of a stored artifact. What data an update may carry depends on the artifact's type,
 * which the request does not say: data that does not fit the type conflicts with the artifact as
 * stored (CONFLICT, 409), while data that fits no type at all (nested too deep) is invalid input.
 */
function checkUpdatedData(type: ArtifactType, data: unknown): unknown {
  checkJsonDepth(data, "data");
  try {
    return checkData(type, data);
  } catch (error) {
    if (!(error instanceof WeirError) || error.code !== "VALIDATION") throw error;
    throw new WeirError("CONFLICT", `data does not fit this ${type} artifact: ${error.message}`, { details: error.details, cause: error });
  }
}

function artifactFromRow(row: ArtifactTable): Artifact {
  return {
    id: row.id,
    key: row.key,
    type: row.type as ArtifactType,
    description: row.description,
    data: fromJsonColumn(row.data),
    flowRunId: row.flow_run_id,
    taskRunId: row.task_run_id,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The artifacts area of the service layer. */
export function createArtifactService(ctx: OrchestrationContext) {
  const { db } = ctx.database;

  async function readRow(id: string): Promise<ArtifactTable> {
    checkName(id, "id");
    const row = await db.selectFrom("artifacts").selectAll().where("id", "=", id).executeTakeFirst();
    if (!row) throw WeirError.notFound("artifact", id);
    return row;
  }

  return {
    async createArtifact(input: CreateArtifactInput): Promise<Artifact> {
      if (typeof input !== "object" || input === null) invalid("input", "must be an object");
      const type = checkType(input.type, "type");
      const now = ctx.clock.now().toISOString();
      const row: ArtifactTable = {
        id: crypto.randomUUID(),
        key: input.key === undefined || input.key === null ? null : checkName(input.key, "key"),
        type,
        description: checkOptionalText(input.description, "description"),
        data: toJsonColumn(checkData(type, input.data)),
        flow_run_id: input.flowRunId ?? null,
        task_run_id: input.taskRunId ?? null,
        created_at: now,
        updated_at: now,
      };
      await db.insertInto("artifacts").values(row).execute();
      const artifact = artifactFromRow(row);
      ctx.events.publish({ kind: "artifact", artifact });
      return artifact;
    },

    async updateArtifact(id: string, patch: { data?: unknown; description?: string | null }): Promise<Artifact> {
      const row = await readRow(id);
      if (typeof patch !== "object" || patch === null) invalid("patch", "must be an object");
      const columns: Partial<ArtifactTable> = { updated_at: ctx.clock.now().toISOString() };
      if (patch.data !== undefined) columns.data = toJsonColumn(checkUpdatedData(row.type as ArtifactType, patch.data));
      if (patch.description !== undefined) columns.description = checkOptionalText(patch.description, "description");
      await db.updateTable("artifacts").set(columns).where("id", "=", id).execute();
      const artifact = artifactFromRow({ ...row, ...columns });
      ctx.events.publish({ kind: "artifact", artifact });
      return artifact;
    },

    async readArtifact(id: string): Promise<Artifact> {
      return artifactFromRow(await readRow(id));
    },

    async listArtifacts(filter: ArtifactFilter = {}, page?: PageRequest): Promise<Page<Artifact>> {
      const { limit, after } = compilePageRequest(page, "CREATED_DESC");
      let query = db.selectFrom("artifacts").selectAll().orderBy("created_at", "desc").orderBy("id", "desc").limit(limit + 1);
      if (filter.flowRunId !== undefined) query = query.where("flow_run_id", "=", checkName(filter.flowRunId, "flowRunId"));
      if (filter.taskRunId !== undefined) query = query.where("task_run_id", "=", checkName(filter.taskRunId, "taskRunId"));
      if (filter.key !== undefined) query = query.where("key", "=", checkName(filter.key, "key"));
      if (filter.type !== undefined) query = query.where("type", "=", checkType(filter.type, "type"));
      if (after) query = query.where((eb) => eb(eb.refTuple("created_at", "id"), "<", eb.tuple(String(after.key), after.id)));
      const rows = await query.execute();
      return toPage(rows, limit, artifactFromRow, (row) => ({ key: row.created_at, id: row.id, sort: "CREATED_DESC" }));
    },
  };
}
