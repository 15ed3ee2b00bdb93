/** Flows: register (upsert by name), read by id or name, list by name. */
import type { Page, PageRequest, UpsertFlowInput } from "../core/api-types.js";
import type { Flow } from "../core/models.js";
import { WeirError } from "../core/weir-error.js";
import { fromJsonColumn, toJsonColumn, toNullableJsonColumn } from "../db/json-column.js";
import type { FlowTable } from "../db/schema.js";
import type { Kysely } from "kysely";
import type { DatabaseSchema } from "../db/schema.js";
import { checkName, checkStringList } from "./input-checks.js";
import type { OrchestrationContext } from "./orchestration-context.js";
import { compilePageRequest, toPage } from "./page-cursor.js";

/** A `flows` row as a Flow. */
export function flowFromRow(row: FlowTable): Flow {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    version: row.version,
    parameterSchema: fromJsonColumn(row.parameter_schema),
    tags: fromJsonColumn(row.tags),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The flow row named `name`, created (with no details) if missing; inside a write transaction. */
export async function ensureFlow(trx: Kysely<DatabaseSchema>, name: string, now: string): Promise<FlowTable> {
  const existing = await trx.selectFrom("flows").selectAll().where("name", "=", name).executeTakeFirst();
  if (existing) return existing;
  const row: FlowTable = { id: crypto.randomUUID(), name, description: null, version: null, parameter_schema: null, tags: "[]", created_at: now, updated_at: now };
  await trx.insertInto("flows").values(row).onConflict((oc) => oc.column("name").doNothing()).execute();
  return (await trx.selectFrom("flows").selectAll().where("name", "=", name).executeTakeFirstOrThrow());
}

/** The flows area of the service layer. */
export function createFlowService(ctx: OrchestrationContext) {
  const { db } = ctx.database;
  return {
    async upsertFlow(input: UpsertFlowInput): Promise<Flow> {
      const name = checkName(input?.name, "name");
      const tags = checkStringList(input.tags, "tags");
      const now = ctx.clock.now().toISOString();
      const values = {
        description: input.description ?? null,
        version: input.version ?? null,
        parameter_schema: toNullableJsonColumn(input.parameterSchema),
        tags: toJsonColumn(tags),
        updated_at: now,
      };
      await db
        .insertInto("flows")
        .values({ id: crypto.randomUUID(), name, created_at: now, ...values })
        .onConflict((oc) => oc.column("name").doUpdateSet(values))
        .execute();
      return flowFromRow(await db.selectFrom("flows").selectAll().where("name", "=", name).executeTakeFirstOrThrow());
    },

    async readFlow(idOrName: string): Promise<Flow> {
      checkName(idOrName, "idOrName");
      const row = await db
        .selectFrom("flows")
        .selectAll()
        .where((eb) => eb.or([eb("id", "=", idOrName), eb("name", "=", idOrName)]))
        .executeTakeFirst();
      if (!row) throw WeirError.notFound("flow", idOrName);
      return flowFromRow(row);
    },

    async listFlows(page?: PageRequest): Promise<Page<Flow>> {
      const { limit, after } = compilePageRequest(page, "NAME_ASC");
      let query = db.selectFrom("flows").selectAll().orderBy("name", "asc").limit(limit + 1);
      if (after) query = query.where("name", ">", String(after.key));
      const rows = await query.execute();
      return toPage(rows, limit, flowFromRow, (row) => ({ key: row.name, id: row.id, sort: "NAME_ASC" }));
    },
  };
}
